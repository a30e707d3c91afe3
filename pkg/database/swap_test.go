package database

import (
	"fmt"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// byURN indexes the recorded custom resources (and the component) by URN.
func byURN(m *offline.Mocks) map[string]*offline.Resource {
	out := map[string]*offline.Resource{}
	for _, r := range m.Resources() {
		out[r.URN] = r
	}
	return out
}

// differingInputs lists the top-level inputs whose values differ between a and b (set on one side
// only, or set to different values).
func differingInputs(a, b *offline.Resource) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range a.Inputs {
		keys[k] = true
	}
	for k := range b.Inputs {
		keys[k] = true
	}
	var diff []string
	for k := range keys {
		if !a.Prop(string(k)).DeepEquals(b.Prop(string(k))) {
			diff = append(diff, string(k))
		}
	}
	sort.Strings(diff)
	return diff
}

// After an Aurora switchover or failover the operator sets database.writerRegion and main passes
// Writer and Reader swapped. That run must register the very same resources on the same providers,
// change nothing on any resource except the cluster inputs it ignores, and move only what follows
// the role: which cluster waits for which instances, and (with unequal counts) where the extra
// instance runs.
func TestSwappingWriterAndReaderKeepsEveryResource(t *testing.T) {
	for _, counts := range [][2]int{{1, 1}, {2, 1}} {
		t.Run(fmt.Sprintf("%d+%d instances", counts[0], counts[1]), func(t *testing.T) {
			before := testArgs(regionA, regionB)
			before.Writer.Instances, before.Reader.Instances = counts[0], counts[1]
			after := testArgs(regionB, regionA) // HomeRegion stays regionA: primaryRegion does not move
			after.Writer.Instances, after.Reader.Instances = counts[0], counts[1]

			m1, out1 := run(t, "prod", before)
			m2, out2 := run(t, "prod", after)
			r1, r2 := byURN(m1), byURN(m2)

			var gone, added []string
			for urn, r := range r1 {
				if r2[urn] == nil {
					gone = append(gone, r.Name)
				}
			}
			for urn, r := range r2 {
				if r1[urn] == nil {
					added = append(added, r.Name)
				}
			}
			if counts[0] == counts[1] {
				assert.Empty(t, gone, "no resource disappears")
				assert.Empty(t, added, "no resource appears")
			} else {
				assert.Equal(t, []string{"database-" + regionA + "-2"}, gone, "the old writer region gives up its extra instance")
				assert.Equal(t, []string{"database-" + regionB + "-2"}, added, "the new writer region gets it")
				assert.Equal(t, tInstance, r1[m1.Named(tInstance, "database-"+regionA+"-2").URN].Type)
			}

			checked := map[string]bool{}
			for urn, a := range r1 {
				b := r2[urn]
				if b == nil {
					continue
				}
				checked[a.Type] = true
				assert.Equal(t, a.ProviderName, b.ProviderName, "%s keeps its provider (a provider change replaces)", a.Name)
				assert.Equal(t, a.Protect, b.Protect, a.Name)
				assert.Equal(t, a.Parent, b.Parent, a.Name)
				diff := differingInputs(a, b)
				for _, prop := range diff {
					assert.True(t, a.Ignores(prop) && b.Ignores(prop), "%s %s: input %s differs after the swap and is not ignored", a.Type, a.Name, prop)
				}
				if a.Type == tCluster {
					assert.ElementsMatch(t, []string{"databaseName", "masterPassword", "masterUsername"}, diff, "%s: only the writer-only credentials move", a.Name)
				} else {
					assert.Empty(t, diff, "%s %s", a.Type, a.Name)
				}
			}
			for _, typ := range []string{tGlobal, tCluster, tInstance, tKey, tParams, tSubnets, tSG, tIngress, tRole, tAttach, tSecret, tVersion, tPassword, tComponent} {
				assert.True(t, checked[typ], "%s is registered under the same URN in both runs", typ)
			}

			// The reader waits for the writer's instances, whichever region that is.
			require.Len(t, m2.InRegion(tInstance, regionB), counts[0])
			for _, i := range m2.InRegion(tInstance, regionB) {
				assert.True(t, cluster(t, m2, regionA).DependsOn(i))
			}
			for _, i := range m2.OfType(tInstance) {
				assert.False(t, cluster(t, m2, regionB).DependsOn(i), "the new writer waits for no instance (%s)", i.Name)
			}

			// Outputs follow the role; the region-keyed maps and the secret do not move.
			assert.Equal(t, out1["primaryClusterArn"].Value, out2["secondaryClusterArn"].Value)
			assert.Equal(t, out1["secondaryClusterArn"].Value, out2["primaryClusterArn"].Value)
			assert.Equal(t, regionB, out2["writerRegion"].Value)
			for _, k := range []string{"clusterArns", "clusterIdentifiers", "kmsKeyArns", "securityGroupIds", "secretArns", "globalClusterId", "globalEndpoint", "readerEndpoints"} {
				assert.Equal(t, out1[k].Value, out2[k].Value, k)
			}
			assert.Equal(t, out1["secretArn"].Value, out2["secondarySecretArn"].Value, "the writer's copy of the secret is now the replica")
		})
	}
}
