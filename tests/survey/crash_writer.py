"""Writer killed by test_crash: answers and submits responses, printing after each commit.

Usage: python -m tests.survey.crash_writer <db_url> <token> [<token> ...]
Prints "saved <response_id> <section_id> <value>" after each committed section
save and "submitted <response_id>" after each committed submission.
"""

import sys

from storage.db import make_engine
from survey.answering import NA, questionnaire_for, save_section, start_or_resume, submit
from survey.links import resolve
from tests.survey.helpers import section_answers


def main(url: str, tokens: list[str]) -> None:
    engine = make_engine(url)
    for token in tokens:
        rid = start_or_resume(engine, resolve(engine, token)).response_id
        q = questionnaire_for(engine, rid)
        for rounds in range(2):  # each section saved twice, with different values
            for i, sec in enumerate(q.sections):
                value = (i + rounds) % 5
                answers = section_answers(sec, value)
                answers = {k: (value if v == NA or isinstance(v, int)
                               and not isinstance(v, bool) and sec.kind != "profile" else v)
                           for k, v in answers.items()}
                save_section(engine, rid, sec.id, answers, current_section=i + 1)
                print(f"saved {rid} {sec.id} {value}", flush=True)
        submit(engine, rid)
        print(f"submitted {rid}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
