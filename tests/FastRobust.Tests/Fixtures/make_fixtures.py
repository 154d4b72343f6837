#!/usr/bin/env python3
"""Makes the PyTorch fixtures the C# tests compare against (the tinygrad habit: same function in both).

Run from anywhere with Debian's torch:  /usr/bin/python3 tests/FastRobust.Tests/Fixtures/make_fixtures.py
For each small network below it writes, next to this script:
  NAME.json                the FastRobust model spec
  NAME.weights.safetensors the nn.Sequential state_dict (PyTorch init, torch.manual_seed(SEED))
  NAME.expect.safetensors  x, labels, eval logits, eval loss, input gradient of the summed loss,
                           train-mode loss and weight gradients, running stats after that step,
                           and the weights after 3 steps of each optimizer.
Everything is float32 except labels (int64). The files are small and committed.
Convolutions feeding a batch norm have no bias (as in practice): such a bias has an exactly zero gradient,
and Adam-type optimizers would amplify float32 rounding noise in it into full-size steps."""
import json, os
import torch, torch.nn.functional as F

from fixture_common import build, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))


OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=5e-4),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "sgd_plain": lambda p: torch.optim.SGD(p, lr=0.1),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=1e-3),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=1e-2),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3, weight_decay=1e-4),
    "rmsprop_momentum": lambda p: torch.optim.RMSprop(p, lr=1e-3, momentum=0.9),
}


def make(name, spec, batch, seed, smoothing=0.0):
    torch.manual_seed(seed)
    model = build(spec).double()
    # the reference runs in float64; the fixture stores float32 (what we load), computed from the float32 weights
    model = model.float().double()
    x = torch.rand(batch, *spec["input"], dtype=torch.float64)
    x = x.float().double()
    y = torch.randint(0, spec["classes"], (batch,))
    out = {"x": x.float(), "labels": y}
    weights = {k: v.float() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}

    model.eval()
    xi = x.clone().requires_grad_(True)
    logits = model(xi)
    loss = F.cross_entropy(logits, y, reduction="sum", label_smoothing=smoothing)
    (g,) = torch.autograd.grad(loss, xi)
    out["eval.logits"] = logits.float()
    out["eval.loss_sum"] = loss.reshape(1).float()
    out["eval.input_grad"] = g.float()

    model.train()
    model.zero_grad()
    loss = F.cross_entropy(model(x), y, label_smoothing=smoothing)
    loss.backward()
    out["train.loss"] = loss.reshape(1).float()
    for k, p in model.named_parameters():
        out["train.grad." + k] = p.grad.float()
    for k, v in model.state_dict().items():
        if "running" in k:
            out["train.after." + k] = v.float()

    for opt_name, make_opt in OPTIMIZERS.items():
        m = build(spec).double()
        m.load_state_dict({k: v.double() for k, v in weights.items()}, strict=False)
        m.train()
        opt = make_opt(m.parameters())
        for _ in range(3):
            opt.zero_grad()
            F.cross_entropy(m(x), y, label_smoothing=smoothing).backward()
            opt.step()
        for k, p in m.named_parameters():
            out[f"opt.{opt_name}.{k}"] = p.float()

    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(spec, f, indent=1)
    write_safetensors(os.path.join(HERE, name + ".weights.safetensors"), weights)
    write_safetensors(os.path.join(HERE, name + ".expect.safetensors"), out)
    print(name, {k: tuple(v.shape) for k, v in out.items() if not k.startswith("opt.")})


CIFAR_NORM = {"type": "normalize", "mean": [0.4914, 0.4822, 0.4465], "std": [0.247, 0.243, 0.261]}

TINY_CNN = {"input": [3, 9, 9], "classes": 5, "layers": [
    CIFAR_NORM,
    {"type": "conv2d", "out": 6, "kernel": 3, "stride": 2, "padding": 1, "bias": False},
    {"type": "batchnorm2d"},
    {"type": "relu"},
    {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": False},
    {"type": "gelu"},
    {"type": "maxpool2d", "kernel": 2},
    {"type": "flatten"},
    {"type": "linear", "out": 12},
    {"type": "relu"},
    {"type": "linear", "out": 5}]}

GAP_NET = {"input": [1, 12, 12], "classes": 4, "layers": [
    {"type": "normalize", "mean": [0.1307], "std": [0.3081]},
    {"type": "conv2d", "out": 5, "kernel": 5, "padding": 2},
    {"type": "relu"},
    {"type": "avgpool2d", "kernel": 2},
    {"type": "conv2d", "out": 7, "kernel": 1, "bias": False},
    {"type": "batchnorm2d"},
    {"type": "gelu"},
    {"type": "maxpool2d", "kernel": 3, "stride": 2, "padding": 1},
    {"type": "global_avgpool"},
    {"type": "flatten"},
    {"type": "linear", "out": 4, "bias": False}]}

MLP = {"input": [1, 4, 4], "classes": 3, "layers": [
    {"type": "flatten"},
    {"type": "linear", "out": 9},
    {"type": "gelu"},
    {"type": "linear", "out": 3}]}


def schedules():
    """Learning rates per optimizer step of torch.optim.lr_scheduler, for LrSchedule's tests."""
    out = {}
    steps_per_epoch, epochs = 5, 10
    total = steps_per_epoch * epochs

    def run(name, make_sched, per_step, lr=0.1):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
        sched = make_sched(opt)
        lrs = []
        for epoch in range(epochs):
            for _ in range(steps_per_epoch):
                lrs.append(opt.param_groups[0]["lr"])
                opt.step()
                if per_step:
                    sched.step()
            if not per_step:
                sched.step()
        out[name] = torch.tensor(lrs, dtype=torch.float32)

    run("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.1), per_step=False)
    run("cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total), per_step=True)
    run("one_cycle", lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=total), per_step=True)
    write_safetensors(os.path.join(HERE, "schedules.expect.safetensors"), out)
    print("schedules", {k: tuple(v.shape) for k, v in out.items()})


def main():
    make("tiny_cnn", TINY_CNN, batch=6, seed=1)
    make("gap_net", GAP_NET, batch=5, seed=2, smoothing=0.1)
    make("mlp", MLP, batch=7, seed=3)
    schedules()


if __name__ == "__main__":
    main()
