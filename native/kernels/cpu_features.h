// Run-time selection of the instruction set the CPU kernels use.
//
// The addon is compiled for the baseline of its target (x86-64 v1 on x86), so one binary runs everywhere; the hot
// kernels carry extra AVX2 and AVX-512 versions (compiled with per-function target attributes) and dispatch once per
// call on what this CPU and OS support.
#ifndef COCOGEN_NATIVE_KERNELS_CPU_FEATURES_H_
#define COCOGEN_NATIVE_KERNELS_CPU_FEATURES_H_

#include <string>
#include <vector>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
// Kernels may be compiled for AVX2 / AVX-512 with __attribute__((target(...))) and picked at run time.
#define COCOGEN_X86_DISPATCH 1
#define COCOGEN_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define COCOGEN_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
// AVX2 kernels that also convert binary16 with F16C (vcvtph2ps); run only where HasF16c().
#define COCOGEN_TARGET_AVX2_F16C __attribute__((target("avx2,fma,f16c")))
#else
#define COCOGEN_X86_DISPATCH 0
#endif

namespace cocogen {

enum class Isa { kScalar, kAvx2, kAvx512 };

// The instruction set the kernels use in this process: the best one the CPU supports, capped by the environment
// variable COCOGEN_NATIVE_ISA (`scalar`, `avx2` or `avx512`; read once) so that tests and bug reports can force a
// lower path. Never raises the level above what the CPU supports.
Isa ActiveIsa();

// Whether kernels may convert binary16 with F16C: the CPU has it and ActiveIsa() is AVX2 or above (so that
// COCOGEN_NATIVE_ISA=scalar turns it off with the rest). Every AVX2 CPU shipped so far has F16C; it is still checked.
bool HasF16c();

// The instruction set's short name, as the kernels' variants are reported: "avx512", "avx2" or "scalar".
const char* IsaName(Isa isa);

// Feature names of an instruction set as buildInfo() reports them, e.g. {"avx512f", "avx2", "fma", "f16c"} or
// {"scalar"}; "f16c" is listed when HasF16c() and the instruction set is AVX2 or above.
std::vector<std::string> IsaFeatureNames(Isa isa);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_CPU_FEATURES_H_
