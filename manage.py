"""Command line for admins: `python manage.py migrate | demo | ...`."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from i18n import RelaisError, Translator
from storage import queries
from storage.db import get_engine
from storage.migrate import upgrade


def cmd_migrate(_args: argparse.Namespace) -> int:
    upgrade(get_engine())
    print(f"migrated: {get_engine().url.render_as_string(hide_password=True)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.load import generate_and_load

    engine = get_engine()
    upgrade(engine)
    if not queries.is_empty(engine):
        if args.if_empty:
            print("demo: the database already holds an organisation; nothing loaded")
            return 0
        print("demo: the database is not empty; use a new DATABASE_URL or RELAIS_DATA_DIR",
              file=sys.stderr)
        return 2
    start = time.perf_counter()
    summary = generate_and_load(engine, size=args.size, seed=args.seed,
                                cascade=not args.no_cascade)
    print(f"demo loaded in {time.perf_counter() - start:.1f} s: {summary}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import signal

    from planning.worker import run_forever

    import threading

    from dashboards.published import publish_forever

    logging.getLogger("planning").setLevel(logging.INFO)
    engine = get_engine()
    upgrade(engine)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `make run` stops it with the app
    # beside the solves: each publication slot's overview, learners' figures and region gaps,
    # computed as the slot starts, so no director waits for them (dashboards.published)
    threading.Thread(target=publish_forever, args=(engine,), name="publisher", daemon=True).start()
    try:
        run_forever(engine, stop_after=args.seconds)
    except KeyboardInterrupt:
        pass
    return 0


def _person_by_email(email: str):  # noqa: ANN202
    from privacy.erase import find_person

    person = find_person(get_engine(), email)
    if person is None or person.erased:
        raise RelaisError("Nobody has the email {email}.", email=email)
    return person


def cmd_import_roster(args: argparse.Namespace) -> int:
    from pathlib import Path

    from roster.apply import RosterRejected, import_roster
    from roster.parse import MAX_UPLOAD_BYTES

    engine = get_engine()
    upgrade(engine)
    path = Path(args.file)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise RelaisError("The file is larger than {mb} MB.", mb=MAX_UPLOAD_BYTES // 1048576)
    lang = Translator().lang
    try:
        summary = import_roster(engine, path.read_bytes(), path.name, None, args.create_sites,
                                args.deactivate_missing, args.dry_run, where="cli")
    except RosterRejected as err:
        print(err.render(lang), file=sys.stderr)
        for problem in err.problems:
            print("  " + problem.render(lang), file=sys.stderr)
        return 2
    prefix = "dry run, nothing written: " if args.dry_run else ""
    print(f"{prefix}{summary}")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    from accounts.signin import reset_password

    upgrade(get_engine())
    temporary = reset_password(get_engine(), None, args.email, where="cli")
    print(f"one-time password for {args.email} (shown once): {temporary}")
    return 0


def cmd_ensure_secrets(_args: argparse.Namespace) -> int:
    from accounts.secrets import SECRETS_PATH, ensure_cookie_secret

    if ensure_cookie_secret():
        print(f"cookie_secret generated in {SECRETS_PATH}")
    return 0


def cmd_export_person(args: argparse.Namespace) -> int:
    import json

    from privacy.erase import export_person

    data = export_person(get_engine(), _person_by_email(args.email).id, where="cli")
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def cmd_erase_person(args: argparse.Namespace) -> int:
    from privacy.erase import erase_person

    person = _person_by_email(args.email)
    if not args.yes:
        answer = input(f"Erase {person.first_name} {person.last_name} for good? [y/N] ")
        if answer.strip().lower() not in {"y", "yes", "o", "oui"}:
            print("nothing erased")
            return 1
    print(erase_person(get_engine(), person.id, where="cli"))
    return 0


def cmd_anonymise_expired(args: argparse.Namespace) -> int:
    from privacy.erase import anonymise_expired

    print(f"responses anonymised: {anonymise_expired(get_engine(), args.days, where='cli')}")
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    """Recompute stored area scores (after a questionnaire's weights changed)."""
    from scoring.store import rescore_all, rescore_version

    engine = get_engine()
    n = rescore_version(engine, args.version) if args.version else rescore_all(engine)
    print(f"responses rescored: {n}")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    """Print a campaign's overview tables as CSV, through the disclosure layer like the pages."""
    from dashboards.exports import overview_tables
    from dashboards.overview import build_overview
    from dashboards.participation import participation
    from dashboards.units import campaigns, previous_campaign, units
    from disclosure.store import releases
    from reports.csv import tables_to_csv
    from scoring.data import load_campaign

    engine = get_engine()
    table = campaigns(engine)
    if args.campaign not in set(table["campaign_id"]):
        raise RelaisError("There is no campaign {campaign}.", campaign=args.campaign)
    prev_id = previous_campaign(table, args.campaign)
    cur = load_campaign(engine, args.campaign)
    prev = load_campaign(engine, prev_id) if prev_id is not None else None
    ov = build_overview(cur, prev, lang=args.lang, releases=releases(engine, cur, prev))
    tables = overview_tables(ov, units(engine), participation(engine, args.campaign), Translator(args.lang))
    sys.stdout.write(tables_to_csv(tables).decode("utf-8-sig"))
    return 0


def cmd_release_log(args: argparse.Namespace) -> int:
    """Print what the disclosure layer released for a campaign: figure, people, when, on whose read."""
    from disclosure.store import release_log

    log = release_log(get_engine(), args.campaign)
    sys.stdout.write(log.to_csv(sep=";", index=False))
    return 0


def cmd_badge_key(_args: argparse.Namespace) -> int:
    """Create the organisation's badge-signing key file (outside the database) if absent."""
    from recognition.keys import ensure_key, key_path, load_key

    created = ensure_key()
    print(f"badge key {'created' if created else 'already there'}: {key_path()} ({load_key().did})")
    return 0


def cmd_verify_badge(args: argparse.Namespace) -> int:
    """Check a downloaded badge (.jwt or SVG): signature, issuer and this database's revocation list."""
    from pathlib import Path

    from recognition import badges
    from recognition.keys import load_key

    path = Path(args.file)
    if not path.is_file():
        raise RelaisError("There is no file {path}.", path=str(path))
    if path.stat().st_size > badges.MAX_FILE_BYTES:
        raise RelaisError("This file is too large to be a badge.")
    token = badges.read_token(path.read_bytes())
    key = load_key(create=False)
    checked = badges.verify(token, key, badges.status_list(get_engine(), key))
    print(f"valid: {checked.name} - {checked.issuer} - {checked.credential_id}")
    return 0


def cmd_badge_status_list(_args: argparse.Namespace) -> int:
    """Print the signed revocation list, as the app serves it at /badges/status/revocation."""
    from recognition import badges
    from recognition.keys import load_key

    print(badges.status_list(get_engine(), load_key(create=False)))
    return 0


def cmd_reissue_badges(_args: argparse.Namespace) -> int:
    """Re-sign valid badges that name another address than RELAIS_PUBLIC_URL; revoke the old ones."""
    from recognition import badges, reissue, service
    from recognition.keys import load_key

    n = reissue.reissue(get_engine(), load_key(create=False), service.area_names())
    print(f"{n} badge(s) reissued with the status list {badges.status_url()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="manage.py", description="Relais administration")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    demo = sub.add_parser("demo", help="load the fictitious demo organisation")
    demo.add_argument("--size", choices=["tiny", "default", "large", "xlarge"], default="default")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    demo.add_argument("--no-cascade", action="store_true",
                      help="skip the simulated first cascade between the two campaigns")
    demo.set_defaults(func=cmd_demo)
    imp = sub.add_parser("import-roster", help="import people from a CSV or XLSX roster")
    imp.add_argument("file")
    imp.add_argument("--create-sites", action="store_true", help="create unknown sites/regions")
    imp.add_argument("--deactivate-missing", action="store_true",
                     help="deactivate people absent from the file (answers are kept)")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.set_defaults(func=cmd_import_roster)
    reset = sub.add_parser("reset-password", help="give a staff member a one-time password")
    reset.add_argument("email")
    reset.set_defaults(func=cmd_reset_password)
    sub.add_parser("ensure-secrets", help="generate .streamlit/secrets.toml cookie_secret if "
                   "absent").set_defaults(func=cmd_ensure_secrets)
    exp = sub.add_parser("export-person", help="print everything held about a person (JSON)")
    exp.add_argument("email")
    exp.set_defaults(func=cmd_export_person)
    erase = sub.add_parser("erase-person", help="erase a person (scores kept anonymously)")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(func=cmd_erase_person)
    anon = sub.add_parser("anonymise-expired",
                          help="anonymise raw answers of closed campaigns past retention")
    anon.add_argument("--days", type=int, default=None, help="retention in days")
    anon.set_defaults(func=cmd_anonymise_expired)
    rescore = sub.add_parser("rescore", help="recompute stored scores after a weight change")
    rescore.add_argument("--version", type=int, help="questionnaire version id (default: all)")
    rescore.set_defaults(func=cmd_rescore)
    figures = sub.add_parser("figures", help="print a campaign's overview tables (CSV), as a "
                             "director sees them")
    figures.add_argument("campaign", type=int)
    figures.add_argument("--lang", choices=["fr", "en"], default="fr")
    figures.set_defaults(func=cmd_figures)
    log = sub.add_parser("release-log", help="print which populations each figure of a campaign "
                         "showed, and when")
    log.add_argument("campaign", type=int)
    log.set_defaults(func=cmd_release_log)
    sub.add_parser("badge-key", help="create the badge-signing key file if absent").set_defaults(
        func=cmd_badge_key)
    vb = sub.add_parser("verify-badge", help="check a downloaded badge file (.jwt or .svg)")
    vb.add_argument("file")
    vb.set_defaults(func=cmd_verify_badge)
    sub.add_parser("badge-status-list", help="print the signed revocation list the app serves"
                   ).set_defaults(func=cmd_badge_status_list)
    sub.add_parser("reissue-badges", help="re-sign valid badges naming another address than "
                   "RELAIS_PUBLIC_URL (the old ones are revoked)").set_defaults(
        func=cmd_reissue_badges)
    worker = sub.add_parser("worker", help="run planner solves queued by the app (any server's) and "
                                "prepare each publication's figures")
    worker.add_argument("--seconds", type=float, default=None, help="stop after this long")
    worker.set_defaults(func=cmd_worker)
    from cluster.cli import register as register_cluster  # serve --replicas N, loadtest

    register_cluster(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RelaisError as err:
        print(err.render(Translator().lang), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
