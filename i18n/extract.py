"""Find every translatable string in the code (used by the coverage test and the CLI)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"t": None, "_": None, "N_": None, "gettext": None, "RelaisError": None,
            "QuestionnaireError": None, "ImportProblem": None}
SKIP = (".venv", "tests", "bench", "var", "test-artifacts", "storage/migrations", "scripts",
        ".git")


def _keep(rel: str) -> bool:
    return not any(rel == s or rel.startswith(s + "/") for s in SKIP)


def used_msgids(root: Path = ROOT) -> dict[str, str]:
    """msgid -> 'file:line' of its first use, for every marked string in the code."""
    found: dict[str, str] = {}

    def dir_filter(path: str) -> bool:
        p = Path(path)
        rel = p.relative_to(root).as_posix() if p.is_absolute() else p.as_posix()
        return _keep(rel)

    for filename, lineno, message, _c, _ctx in extract_from_dir(
            str(root), method_map=[("**.py", "python")], keywords=KEYWORDS,
            directory_filter=dir_filter):
        if not _keep(filename):
            continue
        msg = message if isinstance(message, str) else message[0]
        if msg:
            found.setdefault(msg, f"{filename}:{lineno}")
    return found


def missing(lang: str = "fr") -> dict[str, str]:
    """Used msgids that the language's catalogue does not translate."""
    from i18n import catalogue

    catalogue.cache_clear()
    cat = catalogue(lang)
    return {m: w for m, w in used_msgids().items() if m not in cat}


if __name__ == "__main__":
    for msg, where in sorted(missing().items(), key=lambda x: x[1]):
        esc = msg.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        print(f'#: {where}\nmsgid "{esc}"\nmsgstr ""\n')
