// Package deploysettings keeps Pulumi Deployments settings as code: one file per stack
// (stacks/<stack>.deployment.yaml) in the shape of the Pulumi Cloud deployment settings API, decoded
// strictly into the SDK's own apitype.DeploymentSettings, checked against the project's invariants,
// and applied to a stack through the REST API by `go run . deployment-settings apply`.
package deploysettings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"gopkg.in/yaml.v3"
)

// AccountIDPlaceholder may stand for the AWS account ID in a committed file (the deploy role's ARN);
// apply substitutes --account-id (or $AWS_ACCOUNT_ID) for it.
const AccountIDPlaceholder = "${AWS_ACCOUNT_ID}"

// File is one decoded settings file: the typed settings and the exact JSON body the API receives.
type File struct {
	Path     string
	Settings apitype.DeploymentSettings
	// JSON is the file converted to JSON as written (no zero values added), the request body of apply.
	JSON []byte
}

// Load reads and strictly decodes a settings file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.Path = path
	return f, nil
}

// Decode converts YAML to JSON and decodes it into apitype.DeploymentSettings, refusing unknown keys
// and keys that only match a field case-insensitively (encoding/json would accept "repoURL" for
// "repoUrl"; the API would not).
func Decode(data []byte) (*File, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	if doc == nil {
		return nil, fmt.Errorf("the file is empty")
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, fmt.Errorf("the file must hold a mapping (the deployment settings object)")
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("convert to JSON: %w", err)
	}
	var s apitype.DeploymentSettings
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("not a DeploymentSettings object: %w", err)
	}
	if bad := inexactKeys(reflect.TypeOf(s), doc, ""); len(bad) > 0 {
		return nil, fmt.Errorf("keys must match the API's spelling exactly: %s", strings.Join(bad, "; "))
	}
	return &File{Settings: s, JSON: body}, nil
}

// inexactKeys lists keys of v (decoded JSON) whose spelling differs from the json tag of the struct
// field they decoded into. Maps (environmentVariables) and types with their own decoding are skipped.
func inexactKeys(t reflect.Type, v any, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Slice {
		var out []string
		if list, ok := v.([]any); ok {
			for i, e := range list {
				out = append(out, inexactKeys(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
		return out
	}
	obj, ok := v.(map[string]any)
	if t.Kind() != reflect.Struct || !ok || reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		return nil
	}
	fields := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		f, exact := fields[k]
		if !exact {
			for name := range fields {
				if strings.EqualFold(name, k) {
					out = append(out, fmt.Sprintf("%s%s is spelled %s", path, k, name))
				}
			}
			continue
		}
		out = append(out, inexactKeys(f.Type, obj[k], path+k+".")...)
	}
	return out
}

// Substitute replaces the account placeholder with accountID.
func Substitute(data []byte, accountID string) []byte {
	return bytes.ReplaceAll(data, []byte(AccountIDPlaceholder), []byte(accountID))
}
