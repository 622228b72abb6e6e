from common.migrations_env import run

run()
