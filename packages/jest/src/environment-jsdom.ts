// `testEnvironment: '@panopticon/jest/environment-jsdom'`: jest-environment-jsdom, traced.
// jest-environment-jsdom is an optional peer dependency: only this entry point needs it.
import JSDOMEnvironment from 'jest-environment-jsdom';
import { traced } from './traced-environment';

const PanopticonJSDOMEnvironment = traced(JSDOMEnvironment);

export default PanopticonJSDOMEnvironment;
export const TestEnvironment = PanopticonJSDOMEnvironment;

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
