// `testEnvironment: '@panopticon/jest/environment'`: jest-environment-node, traced.
import NodeEnvironment from 'jest-environment-node';
import { traced } from './traced-environment';

const PanopticonNodeEnvironment = traced(NodeEnvironment);

export default PanopticonNodeEnvironment;
export const TestEnvironment = PanopticonNodeEnvironment;

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
