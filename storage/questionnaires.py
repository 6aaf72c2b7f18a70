"""Frozen questionnaire versions: a campaign keeps the exact text it was answered on."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import QuestionnaireVersion


def ensure_version(session: Session, questionnaire) -> QuestionnaireVersion:  # noqa: ANN001
    """The stored version with this content, creating the next version number if new."""
    checksum = questionnaire.checksum()
    found = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.key == questionnaire.key,
        QuestionnaireVersion.checksum == checksum)).first()
    if found is not None:
        return found
    last = session.exec(select(func.max(QuestionnaireVersion.version)).where(
        QuestionnaireVersion.key == questionnaire.key)).one()
    qv = QuestionnaireVersion(key=questionnaire.key, version=(last or 0) + 1, checksum=checksum,
                              definition=questionnaire.model_dump(mode="json"))
    session.add(qv)
    session.flush()
    return qv
