"""Running the flows like production: ``prefect.yaml`` (the deployments and their
schedules), ``settings.py`` (the deployments' settings, a build step of
``prefect deploy``), ``stack.py`` (a local SeaweedFS + Prefect server + worker
on 127.0.0.1: ``make stack-up``) and ``seaweed.py`` (starting ``weed mini``,
shared with the tests). Imports run one way: ``deploy`` imports ``flows``,
never the other way round.
"""
