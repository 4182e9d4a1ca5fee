"""PyTorch baseline of bench train: the same MLP 784-h-10, SGD with momentum and batch size on Fashion-MNIST.

    python3 bench/torch_mlp.py DIR HIDDEN BATCH LR MOMENTUM EPOCHS THREADS SEED

Reads the four IDX .gz files in DIR, trains EPOCHS epochs on the CPU with THREADS threads (shuffled batches, as the
engine's trainDense), and prints one JSON line: seconds of each epoch (data already in memory, as on the native side),
the final test accuracy, and torch's version and parallel backend.
"""
import gzip
import json
import sys
import time

import numpy as np
import torch


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    folder, hidden, batch, lr, momentum, epochs, threads, seed = sys.argv[1:9]
    hidden, batch, epochs, threads, seed = int(hidden), int(batch), int(epochs), int(threads), int(seed)
    lr, momentum = float(lr), float(momentum)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x = torch.from_numpy(idx(f"{folder}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64))
    tx = torch.from_numpy(idx(f"{folder}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    ty = torch.from_numpy(idx(f"{folder}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    seconds = []
    for _ in range(epochs):
        order = torch.randperm(x.shape[0])
        t0 = time.perf_counter()
        for start in range(0, x.shape[0], batch):
            rows = order[start : start + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[rows]), y[rows]).backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
    with torch.no_grad():
        accuracy = (model(tx).argmax(1) == ty).float().mean().item()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "accuracy": accuracy,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "parallel": torch.__config__.parallel_info().splitlines()[0:3],
            }
        )
    )


main()
