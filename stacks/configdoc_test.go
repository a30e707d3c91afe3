package stacks

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateConfigDoc = flag.Bool("update", false, "rewrite docs/configuration.md from the typed config")

// sourceFieldComments reads the doc comments of this package's struct fields from its source.
func sourceFieldComments(t *testing.T) FieldComment {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	comments := map[string]string{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, field := range st.Fields.List {
				for _, name := range field.Names {
					if field.Doc != nil {
						comments[ts.Name.Name+"."+name.Name] = strings.Join(strings.Fields(field.Doc.Text()), " ")
					}
				}
			}
			return true
		})
	}
	return func(structName, fieldName string) string { return comments[structName+"."+fieldName] }
}

// docs/configuration.md is generated from Config; this fails when the two differ. Regenerate with
// `go test ./stacks -run TestConfigurationDoc -update`.
func TestConfigurationDoc(t *testing.T) {
	want := ConfigurationDoc(sourceFieldComments(t))
	path := filepath.Join("..", ConfigurationDocPath)
	if *updateConfigDoc {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "docs/configuration.md differs from the typed config: go test ./stacks -run TestConfigurationDoc -update")
}

// The reference has one row per key, with the types and defaults the code has.
func TestConfigurationDocRowsFollowTheCode(t *testing.T) {
	doc := ConfigurationDoc(nil)
	rows := map[string][]string{}
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, " | ")
		key := strings.Trim(strings.TrimPrefix(cells[0], "| "), "`")
		_, dup := rows[key]
		assert.False(t, dup, "%s has two rows", key)
		rows[key] = cells
	}
	assert.ElementsMatch(t, DocumentedKeys(), keysOf(rows))
	for _, tt := range []struct{ key, typ, prod, staging string }{
		{"drills.enabled", "boolean", "`false`", "`true`"},
		{"network.<role>.cidr", "string", "primary `10.0.0.0/16`, secondary `10.1.0.0/16`", "primary `10.0.0.0/16`, secondary `10.1.0.0/16`"},
		{"network.azCount", "integer", "`3`", "`2`"},
		{"observability.monthlyBudgetUsd", "number", "`2000`", "`1000`"},
		{"observability.alarmEmails", "list of strings", "`[]`", "`[]`"},
		{"compute.amiIds", "map of strings", required, required},
		{"deployments.sessionSeconds", "integer", "`43200`", "`43200`"},
	} {
		cells := rows[tt.key]
		require.Len(t, cells, 6, tt.key)
		assert.Equal(t, []string{tt.typ, tt.prod, tt.staging}, cells[1:4], tt.key)
	}
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Every key is described, and every description names a key the program reads.
func TestKeyDocsDescribeEveryKey(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range DocumentedKeys() {
		keys[k] = true
		assert.NotEmpty(t, keyDocs[k].Meaning, "%s has no entry in stacks/keydocs.go", k)
	}
	for k := range keyDocs {
		assert.True(t, keys[k], "stacks/keydocs.go describes %s, which Config does not have", k)
	}
}

// withKey sets one nested key (`compute.appPort`) to value in a fresh set of config values.
func withKey(key string, value any) map[string]string {
	top, rest, nested := strings.Cut(key, ".")
	if !nested {
		return withEdge(map[string]string{top: fmt.Sprint(value)})
	}
	object := map[string]any{rest: value}
	if top == "edge" {
		object["domainName"] = testDomain
	}
	b, _ := json.Marshal(object)
	return withEdge(map[string]string{top: string(b)})
}

// problemOn reports whether parsing values gives a problem under key.
func problemOn(t *testing.T, stack, key string, values map[string]string) bool {
	t.Helper()
	_, err := parseT(stack, values, nil)
	return err != nil && strings.Contains(err.Error(), fullKey(key)+":")
}

// Every Range and Allowed of keyDocs is what validation enforces: each bound parses, one step past
// it is refused under the key, and so is a value outside Allowed.
func TestKeyDocBoundsAreEnforced(t *testing.T) {
	kinds := map[string]reflect.Kind{}
	for _, f := range documentedFields() {
		kinds[f.key] = f.typ.Kind()
	}
	checked := 0
	for key, doc := range keyDocs {
		if doc.Range == nil && doc.Allowed == nil {
			continue
		}
		checked++
		if r := doc.Range; r != nil {
			assert.False(t, problemOn(t, Staging, key, withKey(key, r.Min)), "%s: %d is the documented minimum", key, r.Min)
			assert.True(t, problemOn(t, Staging, key, withKey(key, r.Min-1)), "%s: %d is below the documented minimum", key, r.Min-1)
			if r.Max != 0 {
				assert.False(t, problemOn(t, Staging, key, withKey(key, r.Max)), "%s: %d is the documented maximum", key, r.Max)
				assert.True(t, problemOn(t, Staging, key, withKey(key, r.Max+1)), "%s: %d is above the documented maximum", key, r.Max+1)
			}
		}
		for _, v := range doc.Allowed {
			var value any = v
			if kinds[key] == reflect.Int {
				n, err := strconv.Atoi(v)
				require.NoError(t, err, key)
				value = n
			}
			assert.False(t, problemOn(t, Staging, key, withKey(key, value)), "%s: %s is documented as allowed", key, v)
		}
		if doc.Allowed != nil {
			var outside any = "not-" + doc.Allowed[0]
			if kinds[key] == reflect.Int {
				outside = 99991
			}
			assert.True(t, problemOn(t, Staging, key, withKey(key, outside)), "%s: %v is not documented as allowed", key, outside)
		}
	}
	assert.Greater(t, checked, 25)
}

// An unset domain is named by its key in the hosted-zone message, never left as a blank.
func TestHostedZoneMessageNamesTheDomainKeyWhenUnset(t *testing.T) {
	_, err := parseT("staging", map[string]string{"edge": `{"hostedZoneId":""}`}, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hosted zone of  (")
	assert.Contains(t, err.Error(), "public hosted zone of edge.domainName (")
}
