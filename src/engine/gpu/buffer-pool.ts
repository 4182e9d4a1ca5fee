/**
 * GPU buffers pooled by exact size and usage (tfjs-backend-webgpu's pattern), with byte counters so that tests can
 * check nothing leaks: after every operation `bytesInUse` returns to its baseline, and after `destroyAll()` every
 * counter is 0. Free buffers are kept for reuse up to `maxFreeBytes`; beyond that a released buffer is destroyed.
 */
export interface BufferPoolStats {
  /** Bytes of every live buffer the pool created (in use + free). */
  bytesAllocated: number;
  /** Bytes handed out and not yet released. */
  bytesInUse: number;
  /** Bytes kept free for reuse. */
  bytesFree: number;
  buffersInUse: number;
  buffersFree: number;
}

export class GpuBufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly inUse = new Set<GPUBuffer>();
  private bytesAllocated = 0;
  private bytesInUse = 0;
  private bytesFree = 0;
  private buffersFree = 0;
  private created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxFreeBytes: number = 512 * 1024 * 1024,
  ) {}

  private static key(size: number, usage: number): string {
    return `${size}:${usage}`;
  }

  /** A buffer of exactly `size` bytes (rounded up to 4) and `usage`; new ones are labelled `label#n`. */
  acquire(size: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const bytes = Math.max(4, Math.ceil(size / 4) * 4);
    const list = this.free.get(GpuBufferPool.key(bytes, usage));
    let buffer = list?.pop();
    if (buffer) {
      this.bytesFree -= bytes;
      this.buffersFree--;
    } else {
      buffer = this.device.createBuffer({ label: `${label}#${++this.created}`, size: bytes, usage });
      this.bytesAllocated += bytes;
    }
    this.inUse.add(buffer);
    this.bytesInUse += bytes;
    return buffer;
  }

  /**
   * Buffers for one operation: `acquire` labels each `kernel label` and keeps it; `releaseAll()`, in the operation's
   * finally, unmaps any still mapped (a readback that failed half-way) and gives them all back.
   */
  scope(kernel: string): { acquire: GpuBufferPool['acquire']; releaseAll(): void } {
    const held: GPUBuffer[] = [];
    return {
      acquire: (size, usage, label) => {
        const buffer = this.acquire(size, usage, `${kernel} ${label}`);
        held.push(buffer);
        return buffer;
      },
      releaseAll: () => {
        for (const buffer of held.splice(0)) {
          if (buffer.mapState === 'mapped') buffer.unmap();
          this.release(buffer);
        }
      },
    };
  }

  /** Give a buffer back (idempotent per acquisition). Mapped buffers must be unmapped first. */
  release(buffer: GPUBuffer): void {
    if (!this.inUse.delete(buffer)) return;
    const bytes = buffer.size;
    this.bytesInUse -= bytes;
    if (this.bytesFree + bytes > this.maxFreeBytes) {
      buffer.destroy();
      this.bytesAllocated -= bytes;
      return;
    }
    const key = GpuBufferPool.key(bytes, buffer.usage);
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
    this.bytesFree += bytes;
    this.buffersFree++;
  }

  /** Destroy every free buffer (in-use ones stay with their owners). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.bytesAllocated -= this.bytesFree;
    this.bytesFree = 0;
    this.buffersFree = 0;
  }

  /** Destroy every buffer, free or in use. */
  destroyAll(): void {
    this.trim();
    for (const b of this.inUse) b.destroy();
    this.inUse.clear();
    this.bytesAllocated = 0;
    this.bytesInUse = 0;
  }

  stats(): BufferPoolStats {
    return {
      bytesAllocated: this.bytesAllocated,
      bytesInUse: this.bytesInUse,
      bytesFree: this.bytesFree,
      buffersInUse: this.inUse.size,
      buffersFree: this.buffersFree,
    };
  }
}
