// The "data" kernels of DESIGN §6: label histograms and L1 distances to a target distribution. The contracts and the
// plain-TS references these must match bit for bit live in src/engine/kernels/label-histograms/ and
// src/engine/kernels/l1-distances/; this code knows nothing of organizations or games.
//
// Values are checked inside the one pass over the data rather than before it: each kernel reports the smallest index
// of a bad value (a label >= classes, an owner >= groups, a negative or non-finite count), and the caller discards the
// output and raises the error.
//
// ISA (native/kernels/cpu_features.h): a histogram is a scatter of increments (no SIMD form on AVX2; AVX-512 conflict
// detection costs more than it saves at 10-1000 bins), so it is built for the baseline only and relies on threads and
// interleaved sub-histograms. The L1 sum must add the classes in order to return the reference's bits, so its AVX2
// version vectorizes across rows instead (lane r of a 4-row tile adds row r's classes in order, with the scalar
// operations and no FMA); the scalar version runs the last rows % 4 and under COCOGEN_NATIVE_ISA=scalar.
#ifndef COCOGEN_NATIVE_KERNELS_DATA_KERNELS_H_
#define COCOGEN_NATIVE_KERNELS_DATA_KERNELS_H_

#include <cstddef>
#include <cstdint>

#include "kernels/thread_pool.h"

namespace cocogen {

struct LabelHistogramsArgs {
  const void* labels;  // n labels of label_bytes each (1, 2 or 4; an Int32Array is read as uint32, so < 0 is >= 2^31)
  size_t label_bytes;
  size_t n;
  const void* owners;  // n group ids of owner_bytes each, or null
  size_t owner_bytes;
  const uint32_t* offsets;  // when owners is null: groups + 1 CSR boundaries, or null (every label in group 0)
  size_t groups;
  size_t classes;
  uint32_t* out;  // groups * classes counts, overwritten
};

struct DataKernelReport {
  int64_t bad_label = -1;  // smallest index of a label >= classes, or -1
  int64_t bad_owner = -1;  // smallest index of an owner >= groups, or -1
};

// Preconditions (checked by the caller): n < 2^32; offsets non-decreasing from 0 to n; out does not overlap the inputs.
void LabelHistograms(ThreadPool& pool, const LabelHistogramsArgs& args, DataKernelReport* report);

struct L1DistancesArgs {
  const void* counts;  // groups * classes values: double when counts_f64, else uint32
  bool counts_f64;
  const double* target;  // classes values
  const double* totals;  // groups normalizers, or null (row sums)
  size_t groups;
  size_t classes;
  double* out;  // groups distances
};

// out[n] = sum_c |x_nc * (1 / T_n) - target_c| in float64, classes in order; NaN when T_n = 0. Returns the smallest
// index of a negative or non-finite count, or -1 (out is then unspecified).
int64_t L1Distances(ThreadPool& pool, const L1DistancesArgs& args);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_DATA_KERNELS_H_
