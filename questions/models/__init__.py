from .answers import (
    Answer,
    AnswerRevision,
    AnswerStatus,
    Origin,
    Proposal,
    ProposalStatus,
    Verification,
)
from .catalog import Difficulty, Question, Source, SourceKind, Status, Topic
from .community import Comment, CommentStatus, Flag, FlagReason, FlagStatus, Vote
from .embeddings import QuestionVector, RelatedQuestion
from .moderation import ModerationAction
from .vetting import Verdict, VerdictNoteStatus, VerdictValue

__all__ = [
    "Answer",
    "AnswerRevision",
    "AnswerStatus",
    "Comment",
    "CommentStatus",
    "Difficulty",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "ModerationAction",
    "Origin",
    "Proposal",
    "ProposalStatus",
    "Question",
    "QuestionVector",
    "RelatedQuestion",
    "Source",
    "SourceKind",
    "Status",
    "Topic",
    "Verdict",
    "VerdictNoteStatus",
    "VerdictValue",
    "Verification",
    "Vote",
]
