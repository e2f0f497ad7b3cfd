# Generates testdata/libxcrypt.txt with libxcrypt's crypt() (Python < 3.13's
# crypt module): yescrypt settings that mkpasswd does not make (p > 1, t > 0,
# the WORM and classic scrypt flavours, empty and odd salts) and sha-crypt /
# md5-crypt edge cases (explicit rounds, over-long salts).
import warnings
warnings.filterwarnings("ignore")
import crypt, json
settings = ["$y$j75..$saltsaltsalt", "$y$j75/.$saltsaltsalt", "$y$j750..$saltsaltsalt",
            "$y$j75/0$saltsaltsalt", "$y$/75$saltsaltsalt", "$y$/75/.$saltsaltsalt",
            "$y$/75/0$saltsaltsalt", "$y$.75$saltsaltsalt", "$y$.75.0$saltsaltsalt",
            "$y$jAT..$saltsaltsalt", "$y$j/.$", "$y$j75$01", "$y$j75$$",
            "$5$rounds=1000$abc", "$5$abcdefghijklmnopqrstuvw$", "$1$abcdefghijk$",
            "$5$rounds=5000$abc", "$6$rounds=1000$"]
for s in settings:
    for pw in ["pw", "pässwörd"]:
        if s.startswith("$y$jAT") and pw != "pw":
            continue  # 32 MiB: one is enough
        print(json.dumps(pw) + "\t" + crypt.crypt(pw, s))

# Then random settings, salts and passwords with small costs (40 yescrypt,
# 40 sha-crypt/md5-crypt), seeds 7 and 9, as a differential check.
import random
it = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

def enc(v, mn):  # yescrypt's variable-length integer
    v -= mn
    start, end, chars, bits = 0, 47, 1, 0
    while True:
        count = (end + 1 - start) << bits
        if v < count:
            break
        start = end + 1; end = start + (62 - end) // 2; v -= count; chars += 1; bits += 6
    out = it[start + (v >> bits)]
    while chars > 1:
        bits -= 6; out += it[(v >> bits) & 63]; chars -= 1
    return out

random.seed(7)
n = 0
while n < 40:
    fl = random.choice([0, 1, 47, 47, 47])
    logN = random.randint(1, 9); r = random.randint(1, 12)
    p = random.choice([1, 1, 2, 3, 5]); t = random.choice([0, 0, 1, 2, 3])
    if fl == 0:
        t = 0
    s = "$y$" + enc(fl, 0) + enc(logN, 1) + enc(r, 1)
    have = (1 if p != 1 else 0) | (2 if t else 0)
    if have:
        s += enc(have, 1)
        if p != 1: s += enc(p, 2)
        if t: s += enc(t, 1)
    salt = "".join(random.choice(it) for _ in range(random.choice([0, 4, 8, 12, 16, 22, 40])))
    pw = "".join(chr(random.randint(32, 0x24f)) for _ in range(random.randint(0, 80)))
    h = crypt.crypt(pw, s + "$" + salt)
    if h is None or h.startswith("*"):
        continue
    print(json.dumps(pw) + "\t" + h); n += 1

random.seed(9)
n = 0
while n < 40:
    k = random.choice(["$5$", "$6$", "$1$"])
    salt = "".join(random.choice(it) for _ in range(random.randint(0, 20)))
    s = k
    if k != "$1$" and random.random() < 0.5:
        s += "rounds=%d$" % random.randint(1000, 3000)
    s += salt
    pw = "".join(chr(random.randint(1, 0x24f)) for _ in range(random.randint(0, 200)))
    h = crypt.crypt(pw, s)
    if h is None or h.startswith("*"):
        continue
    print(json.dumps(pw) + "\t" + h); n += 1
