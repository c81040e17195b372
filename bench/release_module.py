"""The benches time the package's release build: `make develop` (debug, for the tests)
and `make bench-package` (release) install the compiled module into the same source
folder, and a debug module is many times slower, so a bench refuses one."""

import sys


def require_release() -> None:
    from newsprep import _newsprep

    profile = getattr(_newsprep, "BUILD_PROFILE", "unknown")
    if profile != "release":
        sys.exit(
            f"newsprep's compiled module at {_newsprep.__file__} is a {profile} build: "
            "run `make bench-package` (the bench targets do) and no `make develop` meanwhile"
        )
