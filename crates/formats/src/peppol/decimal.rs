//! Exact decimal numbers for the rule arithmetic (XPath `xs:decimal`).
//!
//! A value is an `i128` mantissa with a decimal scale. The operations used
//! by the rules (sum, product, quotient, `round`, comparisons) are exact,
//! except the quotient, which keeps [`DIV_SCALE`] decimals as Saxon does.

use std::cmp::Ordering;

/// Decimals kept by a quotient.
const DIV_SCALE: u32 = 18;
/// Decimals kept at most after a product, so repeated products cannot overflow.
const MAX_SCALE: u32 = 24;

/// An exact decimal: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy)]
pub struct Dec {
    mantissa: i128,
    scale: u32,
}

fn pow10(n: u32) -> i128 {
    10i128.pow(n)
}

impl Dec {
    /// Zero.
    pub const ZERO: Dec = Dec {
        mantissa: 0,
        scale: 0,
    };

    /// A whole number.
    pub fn int(value: i64) -> Dec {
        Dec {
            mantissa: i128::from(value),
            scale: 0,
        }
    }

    /// `mantissa / 10^scale`.
    pub fn new(mantissa: i128, scale: u32) -> Dec {
        Dec { mantissa, scale }.trim()
    }

    /// The `xs:decimal` cast of a string: optional sign, digits with an
    /// optional point, surrounding whitespace allowed, nothing else.
    pub fn parse(text: &str) -> Option<Dec> {
        let s = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        let (negative, body) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, f),
            None => (body, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return None;
        }
        if !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let frac = frac.trim_end_matches('0');
        let whole = whole.trim_start_matches('0');
        if whole.len() + frac.len() > 36 {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            mantissa = mantissa * 10 + i128::from(b - b'0');
        }
        let scale = u32::try_from(frac.len()).ok()?;
        Some(Dec {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        })
    }

    /// The `xs:double` reading of a string (`number()`), as far as the rules
    /// need it: a decimal, or a decimal with an exponent, else `None` (NaN).
    pub fn parse_number(text: &str) -> Option<Dec> {
        let s = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        match s.find(['e', 'E']) {
            None => Dec::parse(s),
            Some(at) => {
                let base = Dec::parse(&s[..at])?;
                let exp_text = &s[at + 1..];
                let digits = exp_text.strip_prefix(['+', '-']).unwrap_or(exp_text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let exp: i32 = exp_text.parse().ok()?;
                if exp.unsigned_abs() > 30 {
                    return None;
                }
                if exp >= 0 {
                    base.checked_mul(Dec {
                        mantissa: pow10(exp.unsigned_abs()),
                        scale: 0,
                    })
                } else {
                    Some(
                        Dec {
                            mantissa: base.mantissa,
                            scale: base.scale + exp.unsigned_abs(),
                        }
                        .trim(),
                    )
                }
            }
        }
    }

    /// Whether `number(text)` is not NaN (the `string(number(x)) != 'NaN'` test).
    pub fn is_number(text: &str) -> bool {
        let s = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        if matches!(s, "INF" | "-INF" | "+INF") {
            return true;
        }
        let mantissa_end = s.find(['e', 'E']).unwrap_or(s.len());
        let base = &s[..mantissa_end];
        let base_ok = {
            let body = base.strip_prefix(['+', '-']).unwrap_or(base);
            let (w, f) = body.split_once('.').unwrap_or((body, ""));
            !(w.is_empty() && f.is_empty())
                && w.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit())
        };
        if !base_ok {
            return false;
        }
        if mantissa_end == s.len() {
            return true;
        }
        let exp = &s[mantissa_end + 1..];
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }

    fn trim(mut self) -> Dec {
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    fn aligned(self, other: Dec) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        let a = self.mantissa.checked_mul(pow10(scale - self.scale))?;
        let b = other.mantissa.checked_mul(pow10(scale - other.scale))?;
        Some((a, b, scale))
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Dec) -> Option<Dec> {
        let (a, b, scale) = self.aligned(other)?;
        Some(
            Dec {
                mantissa: a.checked_add(b)?,
                scale,
            }
            .trim(),
        )
    }

    /// `self - other`, `None` on overflow.
    pub fn checked_sub(self, other: Dec) -> Option<Dec> {
        let (a, b, scale) = self.aligned(other)?;
        Some(
            Dec {
                mantissa: a.checked_sub(b)?,
                scale,
            }
            .trim(),
        )
    }

    /// `self * other`, `None` on overflow.
    pub fn checked_mul(self, other: Dec) -> Option<Dec> {
        let mut out = Dec {
            mantissa: self.mantissa.checked_mul(other.mantissa)?,
            scale: self.scale + other.scale,
        }
        .trim();
        while out.scale > MAX_SCALE {
            out.mantissa /= 10;
            out.scale -= 1;
        }
        Some(out)
    }

    /// `self div other` with [`DIV_SCALE`] decimals, `None` when dividing by zero.
    pub fn checked_div(self, other: Dec) -> Option<Dec> {
        if other.mantissa == 0 {
            return None;
        }
        // self/other = (ma * 10^(DIV_SCALE + sb - sa)) / mb, at scale DIV_SCALE.
        let shift = i64::from(DIV_SCALE) + i64::from(other.scale) - i64::from(self.scale);
        let (num, den) = if shift >= 0 {
            let shift = u32::try_from(shift).ok()?;
            (self.mantissa.checked_mul(pow10(shift))?, other.mantissa)
        } else {
            let shift = u32::try_from(-shift).ok()?;
            (self.mantissa, other.mantissa.checked_mul(pow10(shift))?)
        };
        Some(
            Dec {
                mantissa: num / den,
                scale: DIV_SCALE,
            }
            .trim(),
        )
    }

    /// `fn:round`: to a whole number, halves towards positive infinity.
    pub fn round(self) -> Dec {
        if self.scale == 0 {
            return self;
        }
        let unit = pow10(self.scale);
        let floor = self.mantissa.div_euclid(unit);
        let rest = self.mantissa.rem_euclid(unit);
        let up = rest * 2 >= unit;
        Dec {
            mantissa: if up { floor + 1 } else { floor },
            scale: 0,
        }
    }

    /// `round(self * 100) div 100`: the two-decimal rounding the rules write out.
    pub fn round2(self) -> Dec {
        let hundred = Dec::int(100);
        match self.checked_mul(hundred) {
            Some(scaled) => {
                let r = scaled.round();
                Dec {
                    mantissa: r.mantissa,
                    scale: 2,
                }
                .trim()
            }
            None => self,
        }
    }

    /// The absolute value.
    pub fn abs(self) -> Dec {
        Dec {
            mantissa: self.mantissa.abs(),
            scale: self.scale,
        }
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// The value in hundredths when it has at most two decimals and fits.
    pub fn to_minor(self) -> Option<i64> {
        if self.scale > 2 {
            return None;
        }
        let m = self.mantissa.checked_mul(pow10(2 - self.scale))?;
        i64::try_from(m).ok()
    }
}

impl PartialEq for Dec {
    fn eq(&self, other: &Dec) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Dec {}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Dec) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dec {
    fn cmp(&self, other: &Dec) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            None => {
                // Values this far apart in size compare by their whole parts.
                let a = self.mantissa / pow10(self.scale);
                let b = other.mantissa / pow10(other.scale);
                a.cmp(&b)
                    .then(self.mantissa.signum().cmp(&other.mantissa.signum()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dec;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn parses_and_compares() {
        assert_eq!(d("1.50"), d("1.5"));
        assert_eq!(d(" -0.0 "), Dec::ZERO);
        assert!(Dec::parse("1e3").is_none());
        assert!(Dec::parse(".").is_none());
        assert_eq!(Dec::parse_number("1e3"), Some(d("1000")));
        assert!(Dec::is_number("12.5E-2"));
        assert!(!Dec::is_number("12a"));
        assert!(d("2.5") > d("2.49"));
    }

    #[test]
    fn rounds_like_xpath() {
        assert_eq!(d("2.5").round(), d("3"));
        assert_eq!(d("-2.5").round(), d("-2"));
        assert_eq!(d("1.005").round2(), d("1.01"));
        assert_eq!(d("-1.005").round2(), d("-1"));
        assert_eq!(d("10").checked_div(d("3")).unwrap().round2(), d("3.33"));
        assert_eq!(d("1.23").to_minor(), Some(123));
    }
}
