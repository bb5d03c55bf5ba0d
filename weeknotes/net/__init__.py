"""The network, for the commands that go online (`fetch`, `links`, `send`, `ping`): HTTP fetching
with limits, reading members' feeds, asking curated addresses politely, SMTP, and the WebSub
ping. No build imports this room."""
