package propertypath

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
)

func TestLookup(t *testing.T) {
	m := resource.NewPropertyMapFromMap(map[string]any{
		"ingress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/16", "0.0.0.0/0"}}},
		"tags":    map[string]any{"Name": "x"},
	})
	m["password"] = resource.MakeSecret(resource.NewStringProperty("s3cret"))
	m["later"] = resource.MakeComputed(resource.NewStringProperty(""))

	assert.Equal(t, []string{"ingress", "0", "cidrBlocks", "1"}, Split("ingress[0].cidrBlocks[1]"))
	assert.Equal(t, "0.0.0.0/0", Lookup(m, "ingress[0].cidrBlocks[1]").StringValue())
	assert.Equal(t, "x", Lookup(m, "tags.Name").StringValue())
	assert.True(t, Lookup(m, "ingress[3]").IsNull())
	assert.True(t, Lookup(m, "tags.Missing").IsNull())
	assert.Equal(t, "s3cret", Lookup(m, "password").StringValue())
	assert.True(t, LookupRaw(m, "password").IsSecret(), "the raw value keeps its secret marker")
	assert.True(t, Lookup(m, "later.inner").IsComputed(), "an unknown value stops the walk")
}
