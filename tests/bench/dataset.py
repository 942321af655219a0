"""The benchmark's generated data set and the list of rolesd endpoints to measure."""


def load_kv(stack):
    """Table for baseline Q: 1000 rows read by primary key, owned like rolesd's tables."""
    stack.sql("CREATE TABLE IF NOT EXISTS bench_kv (id int PRIMARY KEY, name text NOT NULL);"
              " INSERT INTO bench_kv SELECT g, 'name ' || g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING;"
              " GRANT SELECT ON bench_kv TO rolesd_app; ANALYZE bench_kv;")


def targets(stack, Target):
    t = stack.demo
    out = [
        Target("users/self (auth + 1 row)", "/api/v1/users/self", token=t.token),
    ]
    return out
