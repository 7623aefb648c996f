# Makes the numbers of Tests/EnvironmentsTests/MinAtarReferenceTests.swift: runs the reference
# MinAtar games (pip install minatar==1.0.15, not a dependency of the project) with NumPy's
# generator replaced by a copy of the project's Xoshiro256, so the Swift games must reproduce
# every frame. Usage: python reference_trajectories.py GAME SEED EPISODES MAX_STEPS [guided]
# (uniform tests: SEED 11, 20 episodes; guided: SEED 21, see the test file for the counts).
import sys
from minatar import Environment
M = (1 << 64) - 1
def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
class Xoshiro:
    def __init__(self, seed):
        st = seed & M; s = []
        for _ in range(4):
            st = (st + 0x9E3779B97F4A7C15) & M
            z = st
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
            s.append(z ^ (z >> 31))
        self.s = s
    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
        return result
    def next_int(self, bound):
        p = self.next() * bound; low = p & M
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                p = self.next() * bound; low = p & M
        return p >> 64
    def unit(self): return (self.next() >> 11) * 2.0 ** -53
class FakeRandomState:
    def __init__(self, seed): self.g = Xoshiro(seed)
    def rand(self, *size):
        if not size: return self.g.unit()
        import numpy as np
        return np.array([self.g.unit() for _ in range(size[0])])
    def randint(self, low, high=None, size=None):
        if high is None: low, high = 0, low
        if size is None: return low + self.g.next_int(high - low)
        import numpy as np
        return np.array([low + self.g.next_int(high - low) for _ in range(size)])
def fold(h, v): return ((h ^ (v & M)) * 1099511628211) & M
game, seed, episodes, max_steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
guided = len(sys.argv) > 5
def choose(g, e):
    if not guided: return g.next_int(6)
    if game == 'breakout':
        if g.unit() < 0.95:
            target = e.ball_x + (-1 if e.ball_dir in (0, 3) else 1)
            return 1 if target < e.pos else (3 if target > e.pos else 0)
        return g.next_int(6)
    if game == 'space_invaders':
        return 5 if g.next_int(2) == 0 else [0, 1, 3][g.next_int(3)]
    if game == 'freeway':
        return 2 if g.unit() < 0.8 else g.next_int(6)
    if game == 'seaquest':
        a = g.next_int(6)
        if e.diver_count > 0 and e.oxygen < 120: return 2
        return 4 if a == 2 and e.sub_y == 1 and e.diver_count == 0 else a
    return g.next_int(6)
env = Environment(game, sticky_action_prob=0.1)
rs = FakeRandomState(seed); env.random = rs; env.env.random = rs
policy = Xoshiro(seed + 1)
out = []; ramps = []
for ep in range(episodes):
    env.reset(); h = 14695981039346656037; G = 0; L = 0; done = False
    while not done and L < max_steps:
        a = choose(policy, env.env)
        r, done = env.act(a); G += r; L += 1
        st = env.state(); n = st.shape[2]
        h = fold(h, a); h = fold(h, int(r)); h = fold(h, int(done))
        for c in range(n):
            for y in range(10):
                for x in range(10):
                    if st[y, x, c]: h = fold(h, c * 100 + y * 10 + x)
    out.append((L, int(G), h)); ramps.append(getattr(env.env, 'ramp_index', 0))
print('ramps', ramps, file=sys.stderr); print(game, seed, episodes, max_steps, " ".join(f"({L}, {G}, 0x{h:016x})" for L, G, h in out))
