// @panopticon/jest: `transform: {'^.+\\.[jt]sx?$': '@panopticon/jest'}` instruments test files
// and what they load; the environments in ./environment and ./environment-jsdom record them.
import { createTransformer } from './transformer';

export { createTransformer };
export type { PanopticonTransformerConfig } from './transformer';
export default { createTransformer };

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
