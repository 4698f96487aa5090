// `testEnvironment: '@panopticon/jest/environment'`: jest-environment-node, traced.
import NodeEnvironment from 'jest-environment-node';
import { traced } from './traced-environment';

const PanopticonNodeEnvironment = traced(NodeEnvironment);

export default PanopticonNodeEnvironment;
export const TestEnvironment = PanopticonNodeEnvironment;
