"""PyTorch baseline of bench cnn-train: the same CNN, SGD with momentum and batch size, on a folder of IDX files.

    python3 bench/torch_cnn.py DIR ROWS BATCH LRS MOMENTUM THREADS SEED

The network of src/fl/models.ts: conv 5x5x16 (padding 2) -> ReLU -> 2x2 max-pool -> conv 5x5x32 (padding 2) -> ReLU ->
2x2 max-pool -> dense 10 (28,938 parameters). Reads the four IDX .gz files in DIR, trains on the first ROWS training
images (0: all) for one epoch per comma-separated learning rate in LRS, on the CPU with THREADS threads, shuffled
batches, the momentum restarting every epoch (as the suite's one trainLocal per epoch), and prints one JSON line:
seconds of each epoch (data already in memory, evaluation apart), the test accuracy after each, and torch's version,
threads and whether oneDNN (mkldnn) ran the convolutions.
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


def images(path):
    return torch.from_numpy(idx(path).reshape(-1, 1, 28, 28).astype(np.float32) / 255)


def main():
    folder, rows, batch, lrs, momentum, threads, seed = sys.argv[1:8]
    rows, batch, threads, seed = int(rows), int(batch), int(threads), int(seed)
    lrs, momentum = [float(v) for v in lrs.split(",")], float(momentum)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x = images(f"{folder}/train-images-idx3-ubyte.gz")
    y = torch.from_numpy(idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64))
    if rows > 0:
        x, y = x[:rows].contiguous(), y[:rows].contiguous()
    tx = images(f"{folder}/t10k-images-idx3-ubyte.gz")
    ty = torch.from_numpy(idx(f"{folder}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 7 * 7, 10),
    )
    loss_fn = nn.CrossEntropyLoss()
    seconds, accuracy = [], []
    for lr in lrs:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        order = torch.randperm(x.shape[0])
        t0 = time.perf_counter()
        for start in range(0, x.shape[0], batch):
            at = order[start : start + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[at]), y[at]).backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
        with torch.no_grad():
            accuracy.append((model(tx).argmax(1) == ty).float().mean().item())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "accuracy": accuracy,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "mkldnn": torch.backends.mkldnn.is_available(),
            }
        )
    )


main()
