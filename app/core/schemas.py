"""Schema and field classes whose error messages are in Chinese, for people to read."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from apiflask import Schema
from marshmallow import RAISE, ValidationError, fields, validate

_COMMON = {"required": "此项必填", "null": "不能为空", "validator_failed": "取值无效"}


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "不支持的字段", "type": "数据格式有误，应为 JSON 对象"}


class String(fields.String):
    """Text as people type it: surrounding blanks are dropped, and an optional field left
    blank is None (so a name of spaces fails its length check instead of being stored)."""

    default_error_messages = {**_COMMON, "invalid": "应为文本", "invalid_utf8": "不是有效的 UTF-8 文本", "nul": "不能含有空字符（\\u0000）"}

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if self.allow_none and isinstance(value, str) and not value.strip():
            value = None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:  # PostgreSQL cannot store or compare it: refused here, not a 500 there
            raise self.make_error("nul")
        return text.strip()


class Secret(fields.String):
    """Text taken exactly as sent (passwords): never stripped."""

    default_error_messages = String.default_error_messages


class Integer(fields.Integer):
    default_error_messages = {**_COMMON, "invalid": "应为整数", "too_large": "数值过大"}


class Float(fields.Float):
    default_error_messages = {**_COMMON, "invalid": "应为数字", "too_large": "数值过大", "special": "应为有限的数字"}


class Boolean(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": "应为 true 或 false"}


class Date(fields.Date):
    default_error_messages = {**_COMMON, "invalid": "应为日期，格式 YYYY-MM-DD", "format": "日期格式有误"}


class DateTime(fields.DateTime):
    default_error_messages = {**_COMMON, "invalid": "应为时间，ISO 8601 格式", "format": "时间格式有误"}


class List(fields.List):
    default_error_messages = {**_COMMON, "invalid": "应为列表"}


class Nested(fields.Nested):
    default_error_messages = {**_COMMON, "type": "应为对象"}


class Dict(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": "应为对象"}


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error="取值无效，可选：{choices}")


def one_of_pairs(pairs) -> validate.OneOf:
    """Codes with their Chinese names in the message, e.g. 可选：FC（涪城区）、YX（游仙区）."""
    codes = [p[0] for p in pairs]
    listed = "、".join(f"{p[0]}（{p[1]}）" for p in pairs)
    return validate.OneOf(codes, error=f"取值无效，可选：{listed}")


def length(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    if min and max:
        return validate.Length(min=min, max=max, error=f"长度应为 {min}–{max} 个字符")
    if max:
        return validate.Length(max=max, error=f"最多 {max} 个字符")
    return validate.Length(min=min, error=f"至少 {min} 个字符")


def between(min: float, max: float) -> validate.Range:  # noqa: A002
    return validate.Range(min=min, max=max, error=f"应在 {min} 到 {max} 之间")


# A page number past this is refused (422) rather than handed to the database as an OFFSET that
# overflows (a 500); no list is that long.
PAGE_MAX = 100_000


def page_number() -> Integer:
    return Integer(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX, error=f"页码应在 1 到 {PAGE_MAX} 之间"))


class PageQuery(BaseSchema):
    page = page_number()
    per_page = Integer(load_default=20, validate=between(1, 100), metadata={"description": "每页条数，最多 100；超过为 422"})


class ErrorBody(Schema):
    code = String(required=True, metadata={"description": "稳定的英文错误码，供程序判断"})
    message = String(required=True, metadata={"description": "中文说明，给人看"})
    details = fields.Raw(metadata={"description": "字段错误等补充信息"})


class ErrorSchema(Schema):
    error = Nested(ErrorBody, required=True)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": List(Nested(item_schema)),
            "page": Integer(),
            "per_page": Integer(),
            "total": Integer(),
            "pages": Integer(),
        },
        name=name,
    )


class CodeName(BaseSchema):
    code = String()
    name = String()


# 万元 per record (an investment's quarter, a budget source of an activity): 10 亿元 is surely a typo.
MONEY_MAX = Decimal("99999.99")


def _two_decimals(value: Decimal) -> None:
    try:
        exact = value == value.quantize(Decimal("0.01"))
    except InvalidOperation:  # too many digits to quantize: the range check reports it
        return
    if not exact:
        raise ValidationError("金额单位为万元，最多保留两位小数")


class Money(fields.Decimal):
    """万元, ≥ 0, at most two decimals; sent as a JSON number or a string ("12.50"), answered
    as a string so no client reads it through a float."""

    default_error_messages = {
        "required": "此项必填",
        "null": "不能为空",
        "invalid": "应为数字",
        "special": "应为有限的数字",
        "too_large": "数值过大",
        "validator_failed": "取值无效",
    }

    # For the OpenAPI document: left alone, apispec calls the field a number and prints the
    # Decimal bounds as strings ("99999.99"), which no schema validator accepts.
    SPEC = {"type": ["number", "string"], "minimum": 0, "maximum": float(MONEY_MAX)}

    def __init__(self, **kwargs):
        validators = [
            validate.Range(min=Decimal("0"), error="金额不能为负数"),
            validate.Range(max=MONEY_MAX, error=f"金额不能超过 {MONEY_MAX} 万元"),
            _two_decimals,
        ]
        metadata = {**self.SPEC, **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, validate=validators, metadata=metadata, **kwargs)


class MoneyOut(fields.Decimal):
    """An amount as answered: a decimal string ("12.50"); sums may exceed one record's bound."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, metadata=metadata, **kwargs)
