"""The addresses a briefing links to, given by the interface that queues it (domain code never reverses a route):
templates with `{id}` or `{token}` in them, JSON-ready so that they travel with the task."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Links:
    article: str  # ".../articles/{id}/"
    story: str  # ".../stories/{id}/"
    unsubscribe: str  # ".../briefing/unsubscribe/{token}/"
    account: str
    membership: str
    unsubscribe_mailto: str = ""  # an address that unsubscribes its senders (List-Unsubscribe), when one is set

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Links:
        return cls(**data)

    def article_url(self, pk: int) -> str:
        return self.article.replace("{id}", str(pk))

    def story_url(self, pk: int) -> str:
        return self.story.replace("{id}", str(pk))

    def unsubscribe_url(self, token: str) -> str:
        return self.unsubscribe.replace("{token}", token)
