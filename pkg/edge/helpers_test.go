package edge

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

const (
	edgeRegion = "us-east-1"
	regionA    = "eu-west-1"    // primary in the tests
	regionB    = "eu-central-1" // secondary
)

var testNames = NewNames("app", "example.com")

// providers makes one explicit provider per region (and us-east-1), as main does.
func providers(ctx *pulumi.Context, regions ...string) (map[string]*aws.Provider, error) {
	out := map[string]*aws.Provider{}
	for _, r := range append(regions, edgeRegion) {
		if out[r] != nil {
			continue
		}
		p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{Region: pulumi.String(r)})
		if err != nil {
			return nil, err
		}
		out[r] = p
	}
	return out, nil
}

// captured collects resolved outputs of the program under test.
type captured struct {
	mu     sync.Mutex
	values map[string]any
}

func (c *captured) set(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil {
		c.values = map[string]any{}
	}
	c.values[key] = v
}

func (c *captured) get(t *testing.T, key string) any {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[key]
	require.True(t, ok, "output %s was never resolved", key)
	return v
}

// capture records the resolved value of out under key. Outputs made from plain values carry no
// context, so the run would not wait for their applies: export the apply, which the run awaits.
func (c *captured) capture(ctx *pulumi.Context, key string, out pulumi.Output) {
	ctx.Export(key, out.ApplyT(func(v any) any { c.set(key, v); return v }))
}

// only returns the single resource of typ, failing the test otherwise.
func only(t *testing.T, m *offline.Mocks, typ string) *offline.Resource {
	t.Helper()
	rs := m.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}
