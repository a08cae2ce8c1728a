"""Counts test cases in a meson testlog.json: cmocka's "[  PASSED  ] N test(s)"
and "[  FAILED  ] N test(s)" lines, the integration scripts' "N passed, N failed"
lines, and whole programs that crashed or timed out. Prints one summary line."""
import json
import re
import sys

passed = failed = 0
bad_programs = []
with open(sys.argv[1]) as f:
    for line in f:
        t = json.loads(line)
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        p = sum(int(m) for m in re.findall(r"^\[  PASSED  \] (\d+) test", out, re.M))
        q = sum(int(m) for m in re.findall(r"^\[  FAILED  \] (\d+) test", out, re.M))
        for a, b in re.findall(r"^(\d+) passed, (\d+) failed", out, re.M):
            p += int(a)
            q += int(b)
        ok = t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
        if not ok and q == 0:
            q = 1  # the program failed without saying which case: count it once
            bad_programs.append(t.get("name"))
        passed += p
        failed += q
if bad_programs:
    print("failed programs: " + ", ".join(bad_programs))
print("%d passed, %d failed" % (passed, failed))
