/*
 * check_json.c - the test helpers' JSON reader, YAML conversion and schema
 * validator, so that check_schema can trust them: each keyword must both
 * accept what it should and reject what it should.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/json.h"
#include "main/suite.h"

static struct json *parse(const char *text)
{
	char err[256];
	struct json *v = json_parse(text, strlen(text), err, sizeof(err));

	ck_assert_msg(v != NULL, "cannot parse %s: %s", text, err);
	return v;
}

START_TEST(test_parse_values)
{
	struct json *v = parse(" {\"a\": [1, -2.5, 3e2, true, false, null],"
			       " \"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\"} ");
	const struct json *a = json_get(v, "a");

	ck_assert_int_eq(v->type, JSON_OBJECT);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->len, 6);
	ck_assert(a->items[0]->integer && a->items[0]->number == 1);
	ck_assert(!a->items[1]->integer && a->items[1]->number == -2.5);
	ck_assert(!a->items[2]->integer && a->items[2]->number == 300);
	ck_assert(a->items[3]->type == JSON_BOOL && a->items[3]->boolean);
	ck_assert(a->items[4]->type == JSON_BOOL && !a->items[4]->boolean);
	ck_assert_int_eq(a->items[5]->type, JSON_NULL);
	ck_assert_str_eq(json_get(v, "s")->string, "x\xc3\xa9\xf0\x9f\x98\x80\n\"");
	ck_assert_int_eq(utf8_codepoints(json_get(v, "s")->string), 5);
	ck_assert_ptr_null(json_get(v, "missing"));
	json_free(v);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const char *const bad[] = {
		"",	   "{",	  "[1,]",  "{\"a\" 1}",	 "01",		"1.",	      "\"abc",
		"\"\\x\"", "tru", "[1] 2", "{\"a\":1,}", "\"\\ud800\"", "[\"a\nb\"]",
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json *v = json_parse(bad[i], strlen(bad[i]), err, sizeof(err));

		ck_assert_msg(v == NULL, "accepted bad JSON %s", bad[i]);
		ck_assert_msg(err[0] != '\0', "no message for %s", bad[i]);
	}
}
END_TEST

START_TEST(test_parse_depth_bounded)
{
	char text[400];
	char err[256];

	memset(text, '[', sizeof(text));
	ck_assert_ptr_null(json_parse(text, sizeof(text), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "deep"));
}
END_TEST

START_TEST(test_yaml_scalars_typed_like_an_editor)
{
	static const char text[] = "a: 12\nb: \"12\"\nc: 1.0\nd: ~\ne: true\nf: ¿qué tal?\n"
				   "g: [x, 'y']\nh:\n";
	char err[256];
	struct json *v = json_from_yaml(text, strlen(text), err, sizeof(err));

	ck_assert_msg(v != NULL, "%s", err);
	ck_assert(json_get(v, "a")->type == JSON_NUMBER && json_get(v, "a")->integer);
	ck_assert_int_eq(json_get(v, "b")->type, JSON_STRING);
	ck_assert(json_get(v, "c")->type == JSON_NUMBER && !json_get(v, "c")->integer);
	ck_assert_int_eq(json_get(v, "d")->type, JSON_NULL);
	ck_assert_int_eq(json_get(v, "e")->type, JSON_BOOL);
	ck_assert_str_eq(json_get(v, "f")->string, "¿qué tal?");
	ck_assert_int_eq(json_get(v, "g")->len, 2);
	ck_assert_int_eq(json_get(v, "h")->type, JSON_NULL);
	ck_assert_int_eq(json_get(v, "f")->line, 6);
	ck_assert_int_eq(json_get(v, "f")->col, 4);
	json_free(v);
	ck_assert_ptr_null(json_from_yaml("a: [1", 5, err, sizeof(err)));
	ck_assert(err[0] != '\0');
}
END_TEST

struct vcase {
	const char *schema;
	const char *instance;
	int valid;
};

/* Each keyword once accepting, once rejecting. */
static const struct vcase vcases[] = {
	{"{\"type\": \"string\"}", "\"x\"", 1},
	{"{\"type\": \"string\"}", "1", 0},
	{"{\"type\": \"integer\"}", "3", 1},
	{"{\"type\": \"integer\"}", "3.5", 0},
	{"{\"type\": \"number\"}", "3.5", 1},
	{"{\"type\": [\"null\", \"array\"]}", "[]", 1},
	{"{\"type\": [\"null\", \"array\"]}", "{}", 0},
	{"{\"required\": [\"a\"]}", "{\"a\": 1}", 1},
	{"{\"required\": [\"a\"]}", "{\"b\": 1}", 0},
	{"{\"properties\": {\"a\": {\"type\": \"string\"}}}", "{\"a\": \"s\"}", 1},
	{"{\"properties\": {\"a\": {\"type\": \"string\"}}}", "{\"a\": 2}", 0},
	{"{\"properties\": {\"a\": true}, \"additionalProperties\": false}", "{\"a\": 1}", 1},
	{"{\"properties\": {\"a\": true}, \"additionalProperties\": false}", "{\"b\": 1}", 0},
	{"{\"properties\": {\"a\": false}}", "{\"a\": 1}", 0},
	{"{\"items\": {\"type\": \"integer\"}}", "[1, 2]", 1},
	{"{\"items\": {\"type\": \"integer\"}}", "[1, \"2\"]", 0},
	{"{\"minItems\": 2, \"maxItems\": 3}", "[1, 2]", 1},
	{"{\"minItems\": 2, \"maxItems\": 3}", "[1]", 0},
	{"{\"minItems\": 2, \"maxItems\": 3}", "[1, 2, 3, 4]", 0},
	{"{\"enum\": [\"a\", 1]}", "1", 1},
	{"{\"enum\": [\"a\", 1]}", "\"b\"", 0},
	{"{\"const\": \"a\"}", "\"a\"", 1},
	{"{\"const\": \"a\"}", "\"b\"", 0},
	{"{\"minLength\": 1, \"maxLength\": 2}", "\"\\u00f1\\u00f1\"", 1},
	{"{\"minLength\": 1, \"maxLength\": 2}", "\"\"", 0},
	{"{\"minLength\": 1, \"maxLength\": 2}", "\"abc\"", 0},
	{"{\"minimum\": 1, \"maximum\": 5}", "5", 1},
	{"{\"minimum\": 1, \"maximum\": 5}", "0", 0},
	{"{\"minimum\": 1, \"maximum\": 5}", "6", 0},
	{"{\"pattern\": \"^[0-9]{3}$\"}", "\"007\"", 1},
	{"{\"pattern\": \"^[0-9]{3}$\"}", "\"07\"", 0},
	{"{\"$defs\": {\"n\": {\"type\": \"null\"}}, \"$ref\": \"#/$defs/n\"}", "null", 1},
	{"{\"$defs\": {\"n\": {\"type\": \"null\"}}, \"$ref\": \"#/$defs/n\"}", "0", 0},
	{"{\"$ref\": \"#/$defs/none\"}", "0", 0},
	{"{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}", "2", 1},
	{"{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}", "1", 0},
	{"{\"if\": {\"const\": 1}, \"then\": false, \"else\": true}", "2", 1},
	{"{\"if\": {\"const\": 1}, \"then\": false, \"else\": true}", "1", 0},
	{"{\"if\": {\"const\": 1}, \"then\": true, \"else\": false}", "2", 0},
	{"{\"description\": \"d\", \"title\": \"t\"}", "2", 1},
	{"{\"oneOf\": [true]}", "2", 0},
	{"false", "null", 0},
};

START_TEST(test_validator_keywords)
{
	const struct vcase *vc = &vcases[_i];
	struct json *schema = parse(vc->schema), *inst = parse(vc->instance);
	char err[256];
	int errors = json_schema_validate(schema, inst, err, sizeof(err));

	ck_assert_msg((errors == 0) == vc->valid, "schema %s, instance %s: %d errors (%s)",
		      vc->schema, vc->instance, errors, err);
	if (!vc->valid)
		ck_assert_msg(err[0] != '\0', "no message for %s", vc->schema);
	json_free(schema);
	json_free(inst);
}
END_TEST

START_TEST(test_validator_reports_path)
{
	struct json *schema =
		parse("{\"properties\": {\"a\": {\"items\": {\"type\": \"string\"}}}}");
	struct json *inst = parse("{\"a\": [\"x\", 3]}");
	char err[256];

	ck_assert_int_eq(json_schema_validate(schema, inst, err, sizeof(err)), 1);
	ck_assert_msg(strncmp(err, "/a/1: ", 6) == 0, "message: %s", err);
	json_free(schema);
	json_free(inst);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_values);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_depth_bounded);
	tcase_add_test(tc, test_yaml_scalars_typed_like_an_editor);
	tcase_add_loop_test(tc, test_validator_keywords, 0, sizeof(vcases) / sizeof(vcases[0]));
	tcase_add_test(tc, test_validator_reports_path);
	suite_add_tcase(s, tc);
	return s;
}
