// `testEnvironment: '@panopticon/jest/environment-jsdom'`: jest-environment-jsdom, traced.
// jest-environment-jsdom is an optional peer dependency: only this entry point needs it.
import JSDOMEnvironment from 'jest-environment-jsdom';
import { traced } from './traced-environment';

const PanopticonJSDOMEnvironment = traced(JSDOMEnvironment);

export default PanopticonJSDOMEnvironment;
export const TestEnvironment = PanopticonJSDOMEnvironment;
