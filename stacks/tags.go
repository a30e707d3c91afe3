package stacks

import (
	"regexp"
	"strings"
)

// reservedTags are set by the program on every resource; config may not override them.
var reservedTags = []string{"Project", "Environment", "Stack", "ManagedBy"}

// tagChars is the character set every tagging API of the stack accepts (IAM, WAF, Backup and others
// refuse anything else), so a tag that EC2 would take cannot fail the first `pulumi up` halfway.
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// maxExtraTags leaves room under AWS's 50-tags-per-resource limit for the reserved tags and the
// Name and role tags components add.
const maxExtraTags = 40

// DefaultTags returns the tags every AWS resource of the stack carries, through each provider's
// defaultTags: the reserved ones plus `tags` from config.
func (c *Config) DefaultTags() map[string]string {
	tags := map[string]string{
		"Project":     Namespace,
		"Environment": c.Environment,
		"Stack":       c.Stack,
		"ManagedBy":   "pulumi",
	}
	for k, v := range c.Tags {
		tags[k] = v
	}
	return tags
}

func validateTags(c *Config, p *problems) {
	if len(c.Tags) > maxExtraTags {
		p.addf("tags", "has %d tags; at most %d fit beside the program's own under AWS's limit of 50", len(c.Tags), maxExtraTags)
	}
	for _, k := range sortedKeys(c.Tags) {
		v := c.Tags[k]
		switch {
		case contains(reservedTags, k):
			p.addf("tags."+k, "is set by the program and cannot be overridden (reserved: %s)", strings.Join(reservedTags, ", "))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			p.addf("tags."+k, "tag keys starting with aws: are reserved by AWS")
		case len(k) == 0 || len(k) > 128:
			p.addf("tags."+k, "tag keys must be 1 to 128 characters")
		case len(v) > 256:
			p.addf("tags."+k, "tag values must be at most 256 characters")
		case !tagChars.MatchString(k):
			p.addf("tags."+k, "the key may hold only letters, digits, spaces and _ . : / = + - @ (what every AWS tagging API accepts)")
		case !tagChars.MatchString(v):
			p.addf("tags."+k, "is %q; tag values may hold only letters, digits, spaces and _ . : / = + - @ (what every AWS tagging API accepts)", v)
		}
	}
}
