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
