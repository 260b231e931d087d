// The table of target types (STYLE: kind-specific code registered in a Record).
import { directoryTarget } from './directory.js';
import { httpTarget } from './http.js';
import type { TargetRegistry } from './target.js';

export const targetTypes: TargetRegistry = {
  directory: directoryTarget,
  http: httpTarget,
};
