#!/usr/bin/python3
"""PyTorch reference for `ringtmp train` (local strategy) on the identical setup.

Same data (Fashion-MNIST, pixels /255, no normalisation), same MLP (ReLU hidden layers,
logits out), same init scheme (He-normal for ReLU layers, Xavier-uniform for the last,
zero biases; the draws themselves differ: different generators), plain SGD, mean
cross-entropy, batches shuffled each epoch with the last partial one dropped. One thread,
so it compares per-core efficiency. Times only the training loop, like ringtmp's
wall_seconds. Prints one JSON object.

Uses Debian's python3-torch (1.13): run with /usr/bin/python3. torchvision is not needed.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path, offset):
    # IDX: big-endian header (16 bytes for images, 8 for labels), then unsigned bytes.
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(data_dir, split, features):
    x = read_idx(f"{data_dir}/{split}-images-idx3-ubyte.gz", 16).reshape(-1, features)
    y = read_idx(f"{data_dir}/{split}-labels-idx1-ubyte.gz", 8)
    return (torch.from_numpy(x.astype(np.float32) / 255.0),
            torch.from_numpy(y.astype(np.int64)))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", default="784,256,128,10")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    widths = [int(w) for w in a.layers.split(",")]
    x_train, y_train = load(a.data_dir, "train", widths[0])
    x_test, y_test = load(a.data_dir, "t10k", widths[0])

    layers = []
    for i, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
        lin = torch.nn.Linear(n_in, n_out)
        if i + 2 < len(widths):  # hidden layer, followed by ReLU: He-normal, std sqrt(2/in)
            torch.nn.init.kaiming_normal_(lin.weight, mode="fan_in", nonlinearity="relu")
        else:  # logits layer: Xavier-uniform, limit sqrt(6/(in+out))
            torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers += [lin, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # no activation on the logits
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)

    n, b = len(x_train), a.batch
    samples, loss = 0, float("nan")
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        perm = torch.randperm(n)  # shuffled every epoch; drop_last below
        for s in range(0, n - b + 1, b):
            idx = perm[s:s + b]
            out = model(x_train[idx])
            loss_t = F.cross_entropy(out, y_train[idx])  # mean over the batch
            opt.zero_grad(set_to_none=True)
            loss_t.backward()
            opt.step()
            samples += b
    loss = loss_t.item()
    wall = time.perf_counter() - t0

    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(json.dumps({"samples_per_second": samples / wall, "wall_seconds": wall,
                      "test_accuracy": acc, "final_loss": loss, "samples": samples,
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
