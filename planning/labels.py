"""Names people read for areas, modalities and plan statuses (English msgids)."""

from i18n import N_

AREA_LABELS: dict[str, str] = {
    "engagement": N_("Professional engagement"),
    "resources": N_("Digital resources"),
    "teaching": N_("Teaching and learning"),
    "assessment": N_("Assessment"),
    "empowerment": N_("Empowering learners"),
    "facilitation": N_("Facilitating learners' digital competence"),
}
MODALITY_LABELS: dict[str, str] = {
    "face_to_face": N_("Face to face"),
    "remote": N_("Remote"),
    "hybrid": N_("Hybrid"),
}
STATUS_LABELS: dict[str, str] = {
    "OPTIMAL": N_("Optimal (proven)"),
    "FEASIBLE": N_("Feasible (gap to the bound shown)"),
    "EDITED": N_("Edited by hand"),
    "INVALID_PARAMS": N_("Invalid settings"),
    "NO_WAVES": N_("No wave"),
    "NO_RELAYS": N_("No relay"),
    "NO_LEARNERS": N_("No learner"),
    "ERROR": N_("Planner error"),
    "UNKNOWN": N_("Unknown"),
}
REMOTE_PLACE = N_("Remote")
