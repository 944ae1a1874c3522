"""F-BNet training throughput in PyTorch, written from the spec, for `fbnet bench train`.

Same network, loss, optimizer and batch as the DL4J benchmark: Dense(in -> in*f), residual
h + PReLU(Dense(h)) (one slope per unit), leak injection with one shared projection P,
dropout, two heads, racing loss, Lion with decoupled weight decay (optax semantics).
Prints one line: examples_per_second examples_per_cpu_second threads parameters.
"""
import sys
import time

import torch
from torch import nn


class FBNet(nn.Module):
    def __init__(self, n_in, n_lh, n_rh, f, alpha, beta, dropout):
        super().__init__()
        hidden = n_in * f
        self.alpha, self.beta = alpha, beta
        self.embed = nn.Linear(n_in, hidden)
        self.res = nn.Linear(hidden, hidden)
        self.prelu = nn.PReLU(hidden, init=0.01)
        self.leak = nn.Linear(n_lh + n_rh, hidden)
        self.drop = nn.Dropout(dropout)
        self.lh = nn.Linear(hidden, n_lh)
        self.rh = nn.Linear(hidden, n_rh)

    def forward(self, x, y, z):
        h = self.embed(x)
        h = h + self.prelu(self.res(h))
        a, b = self.alpha, self.beta
        if self.training:
            h = (h + a * self.leak(y) + b * self.leak(z)) / (1 + a + b)
        else:
            h = (h - (a + b) * self.leak(z)) / (1 + a + b)
        h = self.drop(h)
        return self.lh(h), self.rh(h)


def racing_loss(pl, pr, tl, tr):
    cl = nn.functional.cosine_similarity(pl, tl, dim=1).mean()
    cr = nn.functional.cosine_similarity(pr, tr, dim=1).mean()
    return -(torch.minimum(cl, cr) + (cl + cr) / 2)


class Lion(torch.optim.Optimizer):
    """optax.lion: p -= lr * (sign(b1*m + (1-b1)*g) + wd*p); m = b2*m + (1-b2)*g."""

    def __init__(self, params, lr=1e-4, b1=0.9, b2=0.99, wd=1e-3):
        super().__init__(params, dict(lr=lr, b1=b1, b2=b2, wd=wd))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, b1, b2, wd = group["lr"], group["b1"], group["b2"], group["wd"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["m"] = torch.zeros_like(p)
                m = state["m"]
                update = (m * b1).add_(p.grad, alpha=1 - b1).sign_()
                p.add_(update.add_(p, alpha=wd), alpha=-lr)
                m.mul_(b2).add_(p.grad, alpha=1 - b2)


def main():
    n_in, n_lh, n_rh, f, batch, warmup, steps, threads = (int(v) for v in sys.argv[1:9])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = FBNet(n_in, n_lh, n_rh, f, 0.02, 0.002, 0.2)
    opt = Lion(net.parameters())
    batches = []
    for _ in range(min(steps, 8)):
        x = torch.randn(batch, n_in)
        y = torch.randn(batch, n_lh + n_rh)
        z = torch.randn(batch, n_lh + n_rh)
        batches.append((x, y, z))

    def run(n):
        for i in range(n):
            x, y, z = batches[i % len(batches)]
            opt.zero_grad(set_to_none=True)
            pl, pr = net(x, y, z)
            loss = racing_loss(pl, pr, y[:, :n_lh], y[:, n_lh:])
            loss.backward()
            opt.step()

    net.train()
    run(warmup)
    t0, c0 = time.perf_counter(), time.process_time()
    run(steps)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    params = sum(p.numel() for p in net.parameters())
    print(f"{steps * batch / secs} {steps * batch / cpu} {torch.get_num_threads()} {params}")


if __name__ == "__main__":
    main()
