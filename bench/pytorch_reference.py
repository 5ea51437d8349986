#!/usr/bin/python3
"""PyTorch reference for `ringtmp train` (local strategy) on the identical setup.

Same data (Fashion-MNIST, pixels /255, no normalisation), same network: the MLP of
--layers (ReLU hidden layers, logits out) or the --model string ringtmp reads (conv,
maxpool, avgpool, flatten, dense, relu, tanh; presets lenet5 and vgg-small, as
core/model/model_text.cpp spells them), same init scheme (He-normal for layers followed by
ReLU, Xavier-uniform otherwise, zero biases; the draws themselves differ: different
generators), plain SGD, mean cross-entropy, batches shuffled each epoch with the last
partial one dropped. --threads 1 (default) compares per-core efficiency. Times only the
training loop, like ringtmp's wall_seconds. Prints one JSON object.

Uses Debian's python3-torch (1.13): run with /usr/bin/python3. torchvision is not needed.
"""
import argparse
import gzip
import json
import re
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


PRESETS = {
    "lenet5": "conv(6,5,pad=2),relu,maxpool(2),conv(16,5),relu,maxpool(2),flatten,dense(120),relu,"
              "dense(84),relu,dense(10)",
    "vgg-small": "conv(32,3,pad=1),relu,conv(32,3,pad=1),relu,maxpool(2),conv(64,3,pad=1),relu,"
                 "conv(64,3,pad=1),relu,maxpool(2),conv(128,3,pad=1),relu,conv(128,3,pad=1),relu,"
                 "maxpool(2),flatten,dense(256),relu,dense(10)",
}


def parse_model(text, shape):
    """The layers of a ringtmp model string on inputs of shape (c, h, w), as torch modules."""
    text = PRESETS.get(text, text)
    tokens = re.findall(r"[a-z0-9]+(?:\([^)]*\))?", text)
    mods, init = [], []  # init: the modules whose weights are drawn, and whether ReLU follows
    c, h, w = shape
    for i, tok in enumerate(tokens):
        name, _, rest = tok.partition("(")
        pos, kw = [], {}
        for arg in filter(None, rest.rstrip(")").split(",")):
            k, eq, v = arg.partition("=")
            (kw.__setitem__(k.strip(), int(v)) if eq else pos.append(int(k)))
        if name in ("relu", "tanh"):
            mods.append(torch.nn.ReLU() if name == "relu" else torch.nn.Tanh())
            if name == "relu":
                init[-1][1] = True
        elif name == "conv":
            out, k = pos[0], pos[1]
            s, p = kw.get("stride", pos[2] if len(pos) > 2 else 1), kw.get("pad", pos[3] if len(pos) > 3 else 0)
            mods.append(torch.nn.Conv2d(c, out, k, stride=s, padding=p))
            init.append([mods[-1], False])
            c, h, w = out, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif name in ("maxpool", "avgpool"):
            k = pos[0]
            s = kw.get("stride", pos[1] if len(pos) > 1 else k)
            mods.append((torch.nn.MaxPool2d if name == "maxpool" else torch.nn.AvgPool2d)(k, stride=s))
            h, w = (h - k) // s + 1, (w - k) // s + 1
        elif name == "flatten":
            mods.append(torch.nn.Flatten())
            c, h, w = c * h * w, 1, 1
        elif name == "dense":
            mods.append(torch.nn.Linear(c, pos[0]))
            init.append([mods[-1], False])
            c = pos[0]
        else:
            raise SystemExit(f"pytorch_reference: token {i + 1} {tok!r} is not a layer")
    return mods, init


def mlp(widths):
    text = ",".join(f"dense({n}),relu" for n in widths[1:-1])
    return parse_model((text + "," if text else "") + f"dense({widths[-1]})", (widths[0], 1, 1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", default="784,256,128,10")
    p.add_argument("--model", help="a ringtmp model string or preset, instead of --layers")
    p.add_argument("--input", default="1x28x28", help="CxHxW of a sample, with --model")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.model:
        shape = tuple(int(d) for d in a.input.split("x"))
        mods, init = parse_model(a.model, shape)
    else:
        widths = [int(w) for w in a.layers.split(",")]
        shape = (widths[0],)
        mods, init = mlp(widths)
    features = int(np.prod(shape))
    x_train, y_train = load(a.data_dir, "train", features)
    x_test, y_test = load(a.data_dir, "t10k", features)
    x_train, x_test = x_train.reshape(-1, *shape), x_test.reshape(-1, *shape)

    for layer, relu_follows in init:
        if relu_follows:  # He-normal, std sqrt(2/fan_in)
            torch.nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
        else:  # Xavier-uniform, limit sqrt(6/(fan_in+fan_out))
            torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    model = torch.nn.Sequential(*mods)
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
                      "params": sum(p.numel() for p in model.parameters()),
                      "test_accuracy": acc, "final_loss": loss, "samples": samples,
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
