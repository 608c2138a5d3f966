from .answers import Answer, AnswerRevision, Origin, Proposal, ProposalStatus
from .catalog import Difficulty, Question, Source, SourceKind, Status, Topic
from .community import Comment, CommentStatus, Flag, FlagReason, FlagStatus, Vote
from .study import Bookmark, Review

__all__ = [
    "Answer",
    "AnswerRevision",
    "Bookmark",
    "Comment",
    "CommentStatus",
    "Difficulty",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "Origin",
    "Proposal",
    "ProposalStatus",
    "Question",
    "Review",
    "Source",
    "SourceKind",
    "Status",
    "Topic",
    "Vote",
]
