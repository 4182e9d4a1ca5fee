// label-histograms — hist[g · classes + c] += #{ labels i of this dispatch : group(i) = g, labels[i] = c }, exact
// (integer atomics), with the smallest bad index reported instead of counted.
//
// Algorithm. Workgroup t owns the TILE = WORKGROUP_SIZE · ITEMS consecutive labels [t · TILE, (t + 1) · TILE) ∩
// [0, count) of this dispatch; invocation `lid` reads labels lid, lid + WORKGROUP_SIZE, … of its tile (coalesced).
//   1. The tile's groups lo..hi: in CSR mode (OWNERS = 0) invocation 0 binary-searches `offsets` for the tile's first
//      and last label; with per-label owners (OWNERS = 1) every invocation folds its valid owners into workgroup
//      atomicMin / atomicMax.
//   2. When (hi − lo + 1) · classes ≤ LOCAL_BINS, each label is counted with atomicAdd into a histogram in workgroup
//      memory (bin (g − lo) · classes + c), and after a barrier the non-zero bins are added to the global histogram
//      with one atomicAdd each: for a tile inside one or a few groups (CSR, or owners that come in runs) the global
//      atomics fall from TILE to at most LOCAL_BINS. Otherwise (owners scattered over many groups) each label goes
//      straight to the global histogram with atomicAdd.
//   In CSR mode a label's group is found by binary search within lo..hi (0 steps for a tile inside one group).
// Checks. A label ≥ classes (an Int32Array's negatives arrive as u32 ≥ 2^31) or an owner ≥ groups is not counted:
// atomicMin(bad[0] or bad[1], first + i) records the smallest such global index, over every dispatch of the call
// (the host initializes both to 0xffffffff and turns them into the error the other backends raise).
// Counts stay below 2^32 (the host allows at most 2^32 − 1 labels), so the u32 atomics cannot wrap.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform   Params (see below)
//   @binding(1) labels   storage r  array<u32>: the labels of this dispatch, LABEL_BYTES each (1, 2 or 4), packed
//                        little-endian into words (label i in word i / (4 / LABEL_BYTES)); the dispatch starts on a
//                        word boundary
//   @binding(2) owners   storage r  array<u32>: OWNERS = 1: the group of each label, OWNER_BYTES each, packed the same
//                        way; otherwise a 4-byte dummy
//   @binding(3) offsets  storage r  array<u32>: OWNERS = 0: groups + 1 global CSR boundaries, non-decreasing from 0 to
//                        the call's label count (group g owns global labels offsets[g] .. offsets[g + 1] − 1);
//                        otherwise a 4-byte dummy
//   @binding(4) hist     storage rw array<atomic<u32>>: groups × classes counts, accumulated over the dispatches
//   @binding(5) bad      storage rw array<atomic<u32>, 2>: smallest bad label index, smallest bad owner index
//
// Preconditions: count ≥ 1; tiles = ⌈count / TILE⌉; groups · classes ≤ 2^31; the dispatch is a 2-D grid of
// WORKGROUP_SIZE-wide workgroups (x fastest) with at least `tiles` workgroups (those beyond it return at once).

override WORKGROUP_SIZE: u32 = 256u;
// Labels per invocation.
override ITEMS: u32 = 16u;
// Bytes per label and per owner (1, 2 or 4), and whether owners are given (else CSR offsets): compile-time facts in the
// pipeline cache key.
override LABEL_BYTES: u32 = 1u;
override OWNER_BYTES: u32 = 4u;
override OWNERS: u32 = 0u;

// Bins of the workgroup histogram (8 KiB of the 16 KiB of workgroup memory WebGPU guarantees).
const LOCAL_BINS: u32 = 2048u;
const NONE: u32 = 0xffffffffu;

struct Params {
  // Labels in this dispatch.
  count: u32,
  // Global index of its first label.
  first: u32,
  groups: u32,
  classes: u32,
  // Workgroups with labels: ⌈count / TILE⌉.
  tiles: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> owners: array<u32>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> bad: array<atomic<u32>, 2>;

var<workgroup> bins: array<atomic<u32>, LOCAL_BINS>;
var<workgroup> lowGroup: atomic<u32>;
var<workgroup> highGroup: atomic<u32>;

// Element i of an array of `bytes`-wide unsigned integers packed into u32 words.
fn unpack(word: u32, i: u32, bytes: u32) -> u32 {
  if (bytes == 4u) {
    return word;
  }
  let perWord = 4u / bytes;
  let shift = (i % perWord) * bytes * 8u;
  return (word >> shift) & ((1u << (bytes * 8u)) - 1u);
}

fn label_at(i: u32) -> u32 {
  return unpack(labels[i / (4u / LABEL_BYTES)], i, LABEL_BYTES);
}

fn owner_at(i: u32) -> u32 {
  return unpack(owners[i / (4u / OWNER_BYTES)], i, OWNER_BYTES);
}

// The largest g in [a, b] with offsets[g] ≤ global index i (the CSR group of i). Precondition: offsets[a] ≤ i.
fn group_of(i: u32, a0: u32, b0: u32) -> u32 {
  var a = a0;
  var b = b0;
  while (a < b) {
    let m = b - (b - a) / 2u;
    if (offsets[m] <= i) {
      a = m;
    } else {
      b = m - 1u;
    }
  }
  return a;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  // Bounds check per workgroup (uniform: the barriers below must be reached by every invocation of a workgroup).
  let tile = wid.y * nwg.x + wid.x;
  if (tile >= params.tiles) {
    return;
  }
  let count = params.count;
  let classes = params.classes;
  let groups = params.groups;
  let start = tile * WORKGROUP_SIZE * ITEMS;
  let end = min(start + WORKGROUP_SIZE * ITEMS, count);

  for (var b = lid; b < LOCAL_BINS; b += WORKGROUP_SIZE) {
    atomicStore(&bins[b], 0u);
  }
  if (lid == 0u) {
    atomicStore(&lowGroup, NONE);
    atomicStore(&highGroup, 0u);
    if (OWNERS == 0u) {
      atomicStore(&lowGroup, group_of(params.first + start, 0u, groups - 1u));
      atomicStore(&highGroup, group_of(params.first + end - 1u, 0u, groups - 1u));
    }
  }
  workgroupBarrier();

  // 1. The tile's group range (owners).
  if (OWNERS == 1u) {
    var lo = NONE;
    var hi = 0u;
    for (var j = 0u; j < ITEMS; j++) {
      let i = start + j * WORKGROUP_SIZE + lid;
      if (i < end) {
        let g = owner_at(i);
        if (g < groups) {
          lo = min(lo, g);
          hi = max(hi, g);
        }
      }
    }
    if (lo != NONE) {
      atomicMin(&lowGroup, lo);
      atomicMax(&highGroup, hi);
    }
    workgroupBarrier();
  }
  let lo = atomicLoad(&lowGroup);
  let hi = atomicLoad(&highGroup);
  let useLocal = lo != NONE && hi >= lo && (hi - lo + 1u) * classes <= LOCAL_BINS;

  // 2. Count.
  var g = lo;
  for (var j = 0u; j < ITEMS; j++) {
    let i = start + j * WORKGROUP_SIZE + lid;
    if (i >= end) {
      break;
    }
    let c = label_at(i);
    if (OWNERS == 1u) {
      g = owner_at(i);
    } else {
      // Items come in increasing order, so the search starts at the previous item's group.
      g = group_of(params.first + i, g, hi);
    }
    let labelOk = c < classes;
    let ownerOk = g < groups;
    if (!labelOk) {
      atomicMin(&bad[0], params.first + i);
    }
    if (!ownerOk) {
      atomicMin(&bad[1], params.first + i);
    }
    if (labelOk && ownerOk) {
      if (useLocal) {
        atomicAdd(&bins[(g - lo) * classes + c], 1u);
      } else {
        atomicAdd(&hist[g * classes + c], 1u);
      }
    }
  }
  workgroupBarrier();

  // 3. Flush the workgroup histogram.
  if (useLocal) {
    let used = (hi - lo + 1u) * classes;
    for (var b = lid; b < used; b += WORKGROUP_SIZE) {
      let v = atomicLoad(&bins[b]);
      if (v != 0u) {
        atomicAdd(&hist[lo * classes + b], v);
      }
    }
  }
}
