"""bench/ota's kill mode: INSTANCES `mote ota serve` processes on one PostgreSQL and one Mosquitto,
N simulated devices, K rollouts one after the other (each a new image version to every device);
during each, `kill -9` of a random instance, which is started again at once under its name.
Counted per rollout, from the database itself: jobs not in a final state (lost), jobs with more
than one final history entry (counted twice), jobs not confirmed; and, when the killed instance
ran the rollout engine, how long until another one did (take-over)."""
import json, os, random, subprocess, time, urllib.request

import pg

FINAL = "('confirmed','failed','rolledback','cancelled','skipped')"


def run(o, work, cp, pgc, n, k, instances, port, chunk, window, nudge, seed=17):
    rnd = random.Random(seed)
    name = "kills"
    data = os.path.join(work, "data-kills")
    imgdir = os.path.join(work, "kill-images")
    os.makedirs(imgdir)
    subprocess.run(["java", "-cp", cp, "dev.mote.bench.ota.OtaBench", "images", imgdir, o.PROFILE, str(k), "1048576"],
                   check=True)
    dbname = "bench_kills"
    db_url = pgc.create(dbname)
    prefix, group, mqtt, http = "k%d" % n, "kill-%d" % n, port, port + 1
    log = open(os.path.join(work, "server-kills.log"), "w")
    conf = os.path.join(work, "mosq-kills")
    subprocess.run([o.MOTE, "ota", "mosquitto-config", "--out", conf, "--data", data, "--port", str(mqtt),
                    "--prefix", prefix, "--count", str(n), "--instances", str(instances)], cwd=o.REPO, check=True,
                   stdout=subprocess.DEVNULL)
    mosq = subprocess.Popen(["mosquitto", "-c", os.path.join(conf, "mosquitto.conf")], stdout=log, stderr=log)
    broker_url = "tcp://127.0.0.1:%d" % mqtt
    trust = os.path.join(imgdir, "bench.pub")
    servers = o.start_servers(work, name, data, mqtt, http, chunk, window, broker_url, db_url, instances, nudge,
                              trust=trust)
    sim, results = None, []
    try:
        token = open(os.path.join(data, "admin.token")).read().strip()
        apis = [o.Api(http + i, token) for i in range(instances)]
        shas = []
        for i in range(1, k + 1):
            with open(os.path.join(imgdir, "bench-%d.img" % i), "rb") as f:
                req = urllib.request.Request(apis[0].base + "images", data=f.read(), method="POST",
                                             headers={"Authorization": "Bearer " + token,
                                                      "Content-Type": "application/octet-stream"})
            shas.append(json.loads(urllib.request.urlopen(req, timeout=60).read())["sha256"])
        sim = subprocess.Popen([o.MOTE, "ota", "simulate", "--devices", str(n), "-p", o.PROFILE, "--group", group,
                                "--prefix", prefix, "--broker", broker_url, "--trust", trust,
                                "--server", "http://127.0.0.1:%d" % http, "--token", token, "--json", "--every", "1s",
                                "--connect-rate", "1000"],
                               cwd=o.REPO, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "sim-kills.log"), "w"),
                               text=True)
        o.Lines(sim).wait_for(lambda l: (lambda j: j if j and j["online"] == n else None)(o.sim_json(l)), 600,
                              "all %d devices online" % n)
        for i in range(k):
            t0 = time.time()
            r = apis[i % instances].call("POST", "rollouts", {
                "name": "kill-%d" % (i + 1), "image": shas[i], "group": group, "phases": ["100%"],
                "maxInFlight": n, "deadlineSeconds": 600, "successThreshold": 1.0, "failureThreshold": 0.0})
            time.sleep(rnd.uniform(0.5, 2.5))
            leaders = [j for j in range(instances) if engine(apis[j])]
            victim = rnd.randrange(instances)
            servers[victim].kill()   # SIGKILL
            servers[victim].wait()
            killed_at = time.time()
            was_leader = victim in leaders
            takeover = None
            if was_leader:
                while time.time() - killed_at < 60 and takeover is None:
                    if any(engine(apis[j]) for j in range(instances) if j != victim):
                        takeover = time.time() - killed_at
                    else:
                        time.sleep(0.1)
            servers[victim] = o.start_servers(work, name, data, mqtt, http + victim, chunk, window, broker_url,
                                              db_url, 1, nudge, trust=trust, first=victim + 1)[0]
            survivor = apis[(victim + 1) % instances]
            state = "running"
            while state == "running" and time.time() - t0 < 600:
                time.sleep(0.2)
                state = survivor.call("GET", "rollouts/%d" % r["id"])["state"]
            q = lambda sql: int(pgc.sql(dbname, sql)[0][0])
            rid = r["id"]
            res = {"rollout": i + 1, "victim": victim + 1, "was_leader": was_leader, "takeover": takeover,
                   "seconds": time.time() - t0, "state": state,
                   "jobs": q("SELECT count(*) FROM jobs WHERE rollout_id = %d" % rid),
                   "lost": q("SELECT count(*) FROM jobs WHERE rollout_id = %d AND state NOT IN %s" % (rid, FINAL)),
                   "not_confirmed": q("SELECT count(*) FROM jobs WHERE rollout_id = %d AND state <> 'confirmed'" % rid),
                   "twice": q("SELECT count(*) FROM (SELECT h.job_id FROM history h JOIN jobs j ON j.id = h.job_id"
                              " WHERE j.rollout_id = %d AND h.event IN %s GROUP BY h.job_id HAVING count(*) > 1) x"
                              % (rid, FINAL))}
            print("bench/ota: kill %d of %d: %s" % (i + 1, k, json.dumps(res)), flush=True, file=__import__("sys").stderr)
            results.append(res)
        return {"devices": n, "kills": k, "instances": instances, "nudge": nudge, "runs": results,
                "synchronous_commit": pgc.synchronous_commit}
    finally:
        if sim:
            o.stop(sim)
        for srv in servers:
            o.stop(srv)
        o.stop(mosq)


def engine(api):
    try:
        return bool(api.call("GET", "stats").get("engine"))
    except OSError:
        return False
