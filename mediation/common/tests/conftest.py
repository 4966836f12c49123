from mediation.common.tests.url_world import world  # noqa: F401 (the fixture, for test_every_url and the fuzzer)
