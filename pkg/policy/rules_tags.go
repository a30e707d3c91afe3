package policy

//go:generate go run gentaggable.go

import (
	"fmt"
	"sort"
)

// RequiredTags are the tags every taggable AWS resource carries (provider defaultTags count).
var RequiredTags = []string{"Project", "Environment", "ManagedBy"}

// Taggable reports whether resources of typ accept `tags` (generated from the pinned AWS SDK).
func Taggable(typ string) bool { return taggableTypes[typ] }

// protectedTypes are the stateful resources prod stacks protect from `pulumi destroy` and replacement.
var protectedTypes = []string{TypeKmsKey, TypeRdsCluster, TypeRdsGlobalCluster, "aws:backup/vault:Vault", "aws:route53/zone:Zone"}

var tagRules = []Rule{
	{
		Name:        "required-tags",
		Description: "Every taggable AWS resource carries Project, Environment and ManagedBy (its own tags or its provider's defaultTags).",
		Check: func(r *Resource) []string {
			if !Taggable(r.Type) {
				return nil
			}
			tags := r.Tags()
			var missing []string
			for _, k := range RequiredTags {
				if tags[k] == "" {
					missing = append(missing, k)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				return []string{fmt.Sprintf("missing tags %v", missing)}
			}
			return nil
		},
	},
	{
		Name:          "protect-stateful-prod",
		Description:   "In prod stacks KMS keys, Aurora (global) clusters, backup vaults and hosted zones carry pulumi.Protect.",
		ResourceTypes: protectedTypes,
		Check: func(r *Resource) []string {
			if r.Prod() && !r.Protect {
				return []string{"not protected (pulumi.Protect) in a prod stack"}
			}
			return nil
		},
	},
}
