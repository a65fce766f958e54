"""Hamstring Hulp: a Dutch-language Alexa skill for pain at the back of the thigh.

Layers (see README, "Architecture"):
  skill.core      pure Python: content loading and validation, triage engine, exercise coach
  skill.voice     Alexa-facing: handlers, interceptors, SSML rendering, the one skill object
  skill.adapters  thin wiring: web service, Lambda, offline simulator, command line
"""
