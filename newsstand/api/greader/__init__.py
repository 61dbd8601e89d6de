"""The Google Reader API (`/accounts/ClientLogin`, `/reader/…`) as FreshRSS and Miniflux serve it, for newsboat's
feedhq source, NetNewsWire, Reeder and Read You: README.md beside this file lists what is served and how it differs."""
