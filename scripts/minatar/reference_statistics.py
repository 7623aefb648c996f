# Makes the reference numbers of Tests/EnvironmentsTests/MinAtarStatisticsTests.swift: uniform
# random play in the Python package (pip install minatar==1.0.15, not a dependency of the project).
# Usage: python reference_statistics.py GAME EPISODES [SEED]   (the test's numbers use SEED 1)
import sys, time, numpy as np
from minatar import Environment
game = sys.argv[1]; n = int(sys.argv[2])
env = Environment(game, sticky_action_prob=0.1)
env.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 20261129)
policy = np.random.RandomState(7)
rets, lens = [], []
t0 = time.time(); steps = 0
for _ in range(n):
    env.reset(); done = False; G = 0.0; L = 0
    while not done:
        r, done = env.act(policy.randint(6)); G += r; L += 1
    rets.append(G); lens.append(L); steps += L
dt = time.time() - t0
r = np.array(rets); l = np.array(lens)
print(f"{game} n={n} return mean={r.mean():.6f} std={r.std(ddof=1):.6f} length mean={l.mean():.6f} std={l.std(ddof=1):.6f} steps/s={steps/dt:.0f}", flush=True)
