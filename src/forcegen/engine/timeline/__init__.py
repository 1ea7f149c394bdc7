"""Timeline: the promised force over time, by status and by nation, the force options on
the table and the events and statements of the story.

Entry point: :func:`timeline`; result: :class:`TimelineResult`.
"""

from forcegen.engine.timeline.timeline import TimelineResult, timeline

__all__ = ["TimelineResult", "timeline"]
