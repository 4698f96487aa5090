// @panopticon/jest: `transform: {'^.+\\.[jt]sx?$': '@panopticon/jest'}` instruments test files
// and what they load; the environments in ./environment and ./environment-jsdom record them.
import { createTransformer } from './transformer';

export { createTransformer };
export default { createTransformer };
