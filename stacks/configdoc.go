package stacks

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// ConfigurationDocPath is where the generated reference lives, relative to the project root.
const ConfigurationDocPath = "docs/configuration.md"

// FieldComment returns the doc comment of a struct field of this package ("" when it has none);
// the reference falls back to it for a key keyDocs does not describe.
type FieldComment func(structName, fieldName string) string

// ConfigurationDoc renders docs/configuration.md from Config: every key DocumentedKeys lists, its
// type, its default in each stack profile (defaults(env)), its bounds and meaning (keyDocs).
// TestConfigurationDoc keeps the committed file equal to it.
func ConfigurationDoc(comment FieldComment) string {
	profiles := map[string]*Config{Prod: defaults(Prod), Staging: defaults(Staging)}
	var b strings.Builder
	b.WriteString(configDocIntro)
	section := ""
	for _, k := range documentedFields() {
		top, _, nested := strings.Cut(k.key, ".")
		name := "Top level"
		if nested {
			name = "`" + top + "`"
		}
		if name != section {
			section = name
			fmt.Fprintf(&b, "\n## %s\n\n| Key | Type | prod | staging | Allowed | Meaning |\n| --- | --- | --- | --- | --- | --- |\n", name)
		}
		doc := keyDocs[k.key]
		meaning := doc.Meaning
		if meaning == "" && comment != nil {
			meaning = comment(k.structName, k.fieldName)
		}
		if meaning == "" {
			meaning = "(undocumented: describe it in stacks/keydocs.go)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", k.key, typeName(k.typ),
			defaultText(doc, k, profiles[Prod]), defaultText(doc, k, profiles[Staging]), doc.allowedText(), meaning)
	}
	return b.String()
}

const configDocIntro = `# Configuration reference

<!-- Generated from stacks/ (Config, its per-stack defaults, stacks/keydocs.go): do not edit.
     Regenerate with: go test ./stacks -run TestConfigurationDoc -update -->

Every key lives in the ` + "`multi-region-ha`" + ` namespace: ` + "`pulumi config set multi-region-ha:primaryRegion eu-west-1`" + `,
objects with ` + "`--path`" + `: ` + "`pulumi config set --path multi-region-ha:network.azCount 3`" + `. The
*prod* and *staging* columns are the defaults of each profile (the ` + "`environment`" + ` key picks it).
*Allowed* is what validation enforces (a test sets every bound and one step past it). Objects are
decoded strictly: an unknown key is an error naming it, and every problem is reported before any
resource is registered. ` + "`network.<role>`" + ` stands for ` + "`network.primary`" + ` and ` + "`network.secondary`" + `.
`

// documentedField is one row of the reference: a key, its Go type, and where Config holds it.
type documentedField struct {
	key                   string
	typ                   reflect.Type
	structName, fieldName string
	// paths are the Config field index paths the key stands for (two for network.<role> keys).
	paths [][]int
}

// documentedFields walks Config like DocumentedKeys, in field order, folding the two
// RegionNetwork objects into `network.<role>` rows.
func documentedFields() []documentedField {
	var out []documentedField
	byKey := map[string]int{}
	var walk func(prefix string, t reflect.Type, path []int)
	walk = func(prefix string, t reflect.Type, path []int) {
		fields := jsonFields(t)
		names := allowedKeys(fields)
		sort.SliceStable(names, func(i, j int) bool { return fields[names[i]] < fields[names[j]] })
		for _, name := range names {
			f := t.Field(fields[name])
			key := childKey(prefix, name)
			if f.Type == reflect.TypeOf(RegionNetwork{}) {
				key = childKey(prefix, "<role>")
			}
			p := append(append([]int(nil), path...), fields[name])
			if f.Type.Kind() == reflect.Struct {
				walk(key, f.Type, p)
				continue
			}
			if i, ok := byKey[key]; ok {
				out[i].paths = append(out[i].paths, p)
				continue
			}
			byKey[key] = len(out)
			out = append(out, documentedField{key: key, typ: f.Type, structName: t.Name(), fieldName: f.Name, paths: [][]int{p}})
		}
	}
	walk("", reflect.TypeOf(Config{}), nil)
	return out
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int:
		return "integer"
	case reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "list of " + typeName(t.Elem()) + "s"
	case reflect.Map:
		return "map of " + typeName(t.Elem()) + "s"
	}
	return t.String()
}

// defaultText renders the key's default in one profile; network.<role> keys whose primary and
// secondary defaults differ name both.
func defaultText(doc KeyDoc, k documentedField, cfg *Config) string {
	if doc.Default != "" {
		return doc.Default
	}
	var texts []string
	for _, path := range k.paths {
		v := reflect.ValueOf(cfg).Elem().FieldByIndex(path)
		texts = append(texts, valueText(doc, v))
	}
	if len(texts) == 2 && texts[0] != texts[1] {
		return "primary " + texts[0] + ", secondary " + texts[1]
	}
	return texts[0]
}

func valueText(doc KeyDoc, v reflect.Value) string {
	if v.IsZero() && doc.Unset != "" && v.Kind() != reflect.Bool && v.Kind() != reflect.Int {
		return doc.Unset
	}
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			return "unset"
		}
		return "`" + v.String() + "`"
	case reflect.Slice:
		if v.Len() == 0 && doc.Unset != "" {
			return doc.Unset
		}
		items := make([]string, v.Len())
		for i := range items {
			items[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return "`[" + strings.Join(items, ", ") + "]`"
	case reflect.Map:
		if v.Len() == 0 && doc.Unset != "" {
			return doc.Unset
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, fmt.Sprintf("%s: %v", k.String(), v.MapIndex(k).Interface()))
		}
		sort.Strings(keys)
		return "`{" + strings.Join(keys, ", ") + "}`"
	}
	return fmt.Sprintf("`%v`", v.Interface())
}
