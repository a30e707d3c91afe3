package compute

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What Aurora does not forward from a secondary (AWS, "Using write forwarding in an Aurora
// PostgreSQL/MySQL global database"): DDL, and sequences (nextval()/setval(), so no serial or
// AUTO_INCREMENT key either).
var (
	ddlStatement = regexp.MustCompile(`(?i)^\s*(CREATE|ALTER|DROP|TRUNCATE|RENAME|COMMENT\s+ON|GRANT|REVOKE)\b`)
	sequenceUse  = regexp.MustCompile(`(?i)\b(nextval|setval|currval|lastval|serial|bigserial|smallserial|auto_increment|sequence)\b`)
	uuidValue    = regexp.MustCompile(`'[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'`)
)

// unforwardable lists the statements Aurora would refuse to forward.
func unforwardable(statements []string) []string {
	var bad []string
	for _, s := range statements {
		if ddlStatement.MatchString(s) || sequenceUse.MatchString(s) {
			bad = append(bad, s)
		}
	}
	return bad
}

func TestUnforwardableCatchesDDLAndSequences(t *testing.T) {
	for _, s := range []string{
		"CREATE TABLE IF NOT EXISTS visits (id bigserial PRIMARY KEY)",
		" create index x on t (a)",
		"INSERT INTO t (id) VALUES (nextval('t_id_seq'))",
		"INSERT INTO visits (region) VALUES ('x')", // fine by itself: see the next row
		"CREATE TABLE v (id BIGINT AUTO_INCREMENT PRIMARY KEY)",
	} {
		got := unforwardable([]string{s})
		if strings.Contains(s, "INSERT INTO visits") {
			assert.Empty(t, got, s)
		} else {
			assert.Equal(t, []string{s}, got, s)
		}
	}
}

// sqlCall is one invocation of the fake psql/mysql: the host it connected to and the statements of
// its one session, in order.
type sqlCall struct {
	Host       string   `json:"host"`
	Statements []string `json:"statements"`
}

// With database.writeForwarding the default application writes through its own region's cluster
// (the reader endpoint of a secondary) while another region hosts the global primary, and through
// the global writer endpoint once its region does. The server runs against fake aws and fake psql or
// mysql clients that log every session; the test fails if a forwarded session carries DDL or a
// sequence, misses the engine's read-consistency setting, or if the writer creates the schema more
// than once. Without forwarding the secondary never sends a write to its own cluster.
func TestDefaultApplicationForwardsWritesWhileSecondary(t *testing.T) {
	python := pythonInterpreter(t)
	for _, tc := range []struct{ engine, client, consistency string }{
		{"postgres", "psql", "SET apg_write_forward.consistency_mode = 'SESSION'"},
		{"mysql", "mysql", "SET aurora_replica_read_consistency = 'SESSION'"},
	} {
		t.Run(tc.engine, func(t *testing.T) {
			f := newFakeDatabase(t, python, tc.engine)
			f.setPrimary("eu-central-1")
			port := startServer(t, python, writeServer(t, decodeUserData(t, userDataArgs("", RolePrimary)), f.dir),
				"PRIMARY_REFRESH_SECONDS=1", "MEMBERSHIP_SECONDS=0", "WRITE_FORWARDING=true", "PATH="+f.bin)
			app := appClient{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}

			// Secondary: the primary path knows the other region writes.
			require.Eventually(t, func() bool { return app.primaryRegion() == "eu-central-1" }, 15*time.Second, 200*time.Millisecond)
			status, path := app.visit()
			require.Equal(t, http.StatusCreated, status)
			assert.Equal(t, "forwarded", path)

			forwarded := f.sessions("reader", "INSERT")
			require.Len(t, forwarded, 1, "one forwarded session")
			assert.Equal(t, tc.consistency, forwarded[0].Statements[0], "the session sets its read consistency before writing")
			assert.Len(t, forwarded[0].Statements, 2)
			assert.Regexp(t, uuidValue, forwarded[0].Statements[1], "the key is a uuid the application generates")
			for _, c := range f.calls() {
				if c.Host == "reader" {
					assert.Empty(t, unforwardable(c.Statements), "nothing Aurora cannot forward reaches the secondary's cluster")
				}
			}
			assert.Empty(t, f.sessions("writer", ""), "no path to the global writer endpoint is tried from the secondary")

			// Promoted: the region now hosts the global primary; the writer creates the schema once.
			f.setPrimary("eu-west-1")
			require.Eventually(t, func() bool { return app.primaryRegion() == "eu-west-1" }, 15*time.Second, 200*time.Millisecond)
			for i := 0; i < 2; i++ {
				status, path = app.visit()
				require.Equal(t, http.StatusCreated, status)
				assert.Equal(t, "writer", path)
			}
			assert.Len(t, f.sessions("writer", "CREATE TABLE"), 1, "the schema is created once, by the writer")
			assert.Len(t, f.sessions("writer", "INSERT"), 2)
			assert.Len(t, f.sessions("reader", "INSERT"), 1, "no more forwarded writes once primary")
		})
	}

	t.Run("off: the secondary forwards nothing", func(t *testing.T) {
		f := newFakeDatabase(t, python, "postgres")
		f.setPrimary("eu-central-1")
		port := startServer(t, python, writeServer(t, decodeUserData(t, userDataArgs("", RolePrimary)), f.dir),
			"PRIMARY_REFRESH_SECONDS=1", "MEMBERSHIP_SECONDS=0", "WRITE_FORWARDING=false", "PATH="+f.bin)
		app := appClient{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
		require.Eventually(t, func() bool { return app.primaryRegion() == "eu-central-1" }, 15*time.Second, 200*time.Millisecond)
		app.visit()
		assert.Empty(t, f.sessions("reader", "INSERT"))
	})
}

// fakeDatabase is a directory of fake aws, psql and mysql commands; the SQL clients log every session
// to calls.jsonl and answer the topology views with the region in primary.txt.
type fakeDatabase struct {
	t        *testing.T
	dir, bin string
}

func newFakeDatabase(t *testing.T, python, engine string) *fakeDatabase {
	f := &fakeDatabase{t: t, dir: t.TempDir()}
	f.bin = filepath.Join(f.dir, "bin")
	require.NoError(t, os.Mkdir(f.bin, 0o755))
	secret := fmt.Sprintf(`{"engine": %q, "host": "writer", "port": 5432, "dbname": "app", "username": "u", "password": "p"}`, engine)
	fakeAws := `#!` + python + `
import json, sys
a = sys.argv
if "list-secrets" in a: print(json.dumps({"SecretList": [{"ARN": "arn:secret"}]}))
elif "get-secret-value" in a: print(json.dumps({"SecretString": ` + fmt.Sprintf("%q", secret) + `}))
elif "describe-db-clusters" in a: print(json.dumps({"DBClusters": [{"ReaderEndpoint": "reader"}]}))
elif "describe-global-clusters" in a: print(json.dumps({"GlobalClusters": [{"GlobalClusterMembers": [
    {"DBClusterArn": "arn:aws:rds:eu-west-1:123456789012:cluster:a"}, {"DBClusterArn": "arn:aws:rds:eu-central-1:123456789012:cluster:b"}]}]}))
else: sys.exit(2)
`
	client := `#!` + python + `
import json, sys
a = sys.argv[1:]
if "-e" in a:  # mysql -h HOST ... -e "s1; s2"
    host, statements = a[a.index("-h") + 1], [s.strip() for s in a[a.index("-e") + 1].split(";") if s.strip()]
else:  # psql ... -c s1 -c s2 "host=HOST ..."
    host = a[-1].split()[0].split("=", 1)[1]
    statements = [a[i + 1] for i, v in enumerate(a) if v == "-c"]
with open(` + fmt.Sprintf("%q", filepath.Join(f.dir, "calls.jsonl")) + `, "a") as log:
    log.write(json.dumps({"host": host, "statements": statements}) + "\n")
if any("aurora_global_db" in s for s in statements):
    print(open(` + fmt.Sprintf("%q", filepath.Join(f.dir, "primary.txt")) + `).read().strip())
`
	require.NoError(t, os.WriteFile(filepath.Join(f.bin, "aws"), []byte(fakeAws), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(f.bin, "psql"), []byte(client), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(f.bin, "mysql"), []byte(client), 0o755))
	return f
}

func (f *fakeDatabase) setPrimary(region string) {
	require.NoError(f.t, os.WriteFile(filepath.Join(f.dir, "primary.txt"), []byte(region), 0o600))
}

func (f *fakeDatabase) calls() []sqlCall {
	file, err := os.Open(filepath.Join(f.dir, "calls.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(f.t, err)
	defer file.Close()
	var calls []sqlCall
	scan := bufio.NewScanner(file)
	for scan.Scan() {
		var c sqlCall
		require.NoError(f.t, json.Unmarshal(scan.Bytes(), &c))
		calls = append(calls, c)
	}
	return calls
}

// sessions are the calls to host with a statement containing substr.
func (f *fakeDatabase) sessions(host, substr string) []sqlCall {
	var out []sqlCall
	for _, c := range f.calls() {
		if c.Host != host {
			continue
		}
		for _, s := range c.Statements {
			if strings.Contains(s, substr) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

type appClient struct {
	t    *testing.T
	base string
}

func (a appClient) get(path string, v any) int {
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(a.base + path)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(v)
	return resp.StatusCode
}

func (a appClient) primaryRegion() string {
	var body struct {
		PrimaryRegion string `json:"primaryRegion"`
	}
	a.get(PrimaryPath, &body)
	return body.PrimaryRegion
}

// visit posts one write and returns the status and the path the application says it took.
func (a appClient) visit() (int, string) {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Post(a.base+"/visits", "application/json", strings.NewReader("{}"))
	require.NoError(a.t, err)
	defer resp.Body.Close()
	var body struct {
		Path string `json:"path"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Path
}
