/** TrimmedMeanProgram: kernels/trimmed-mean.wgsl declared as data (host plan and uniforms shared with MedianProgram). */
import { CoordinateSelectProgram } from './median.js';

export class TrimmedMeanProgram extends CoordinateSelectProgram {
  constructor() {
    super('trimmed-mean');
  }
}
