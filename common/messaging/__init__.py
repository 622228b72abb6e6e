"""The messaging port (publish, subscribe, commit) and its two adapters: Kafka and an in-process bus."""

from common.messaging.port import MessageBus, Publisher, Record, Subscription

__all__ = ["MessageBus", "Publisher", "Record", "Subscription"]
