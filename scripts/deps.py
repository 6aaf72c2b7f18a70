"""Print the dependencies declared in pyproject.toml, one per line (for pip -r)."""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
deps = list(project["dependencies"])
for extra in sys.argv[1:]:
    deps += project.get("optional-dependencies", {}).get(extra, [])
print("\n".join(deps))
