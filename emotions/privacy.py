# ruff: noqa: RUF001 - the Russian notice is Cyrillic on purpose, not look-alike Latin letters.
"""The privacy notice a visitor's consent refers to (its version is settings.PRIVACY_NOTICE_VERSION).

One text per language, all saying the same: a consent given to any of them is consent to that version.
"""

from collections.abc import Iterable

from django.conf import settings

from museum_guide.disclosure import min_group_size

NOTICE_TEXT = """\
Emotion analysis is optional and only runs if you agree to it. You can withdraw your consent at any
time in the app; captures still waiting to be processed are then discarded.

What happens to your selfie: it is sent to our server, a face is located and a model estimates the
facial expression it shows (for example "happy" or "surprise"). These are emotions your face
expressed at that moment, not a judgement of what you felt. The photo is deleted right after
processing; it is never shown to anyone, never made public, and its metadata (such as GPS location)
is removed on upload.

Reading on your phone instead: you may choose "Analyse on my phone" (an app may also do so), and the
expression is read on the phone itself, with the same models downloaded from us. Then the photo never
leaves your phone; only the expression scores are sent, and we store them exactly as if we had read them,
marked as read on the device. If your phone cannot do it (an older browser, a model that fails to load)
or is not sure the photo shows a face, the app tells you and sends the photo to our server as above.

What we keep: the expression label with its probabilities, the exhibit and the time, linked to a
random app identifier. We do not know who you are: no name, no e-mail, no face templates, no face
matching and no age, gender or ethnicity estimation.

What is published, and to whom: nothing that describes fewer than {k} visitors.
- Anyone (the exhibit pages of the app and the public API) sees, per exhibit, the mix of expressions
  visitors showed there, apart from the curators' own expectation. It is a snapshot: it changes only
  after at least {k} new visitors took a selfie there, each visitor counts once however many selfies
  they took, shares are rounded to whole percent and visitor numbers are shown as 5, 10, 20, 50, 100 ...
  So nobody can tell from it what your selfie showed. Recommendations and routes use the same snapshot.
- Museum staff and analysts see reports (tables, CSV files, charts) per exhibit, hall, venue, day, hour
  or weekday. A group seen by fewer than {k} visitors shows no numbers; an expression seen on fewer than
  {k} visitors of a group is hidden together with one more; every count is changed by up to 2 in a way
  that stays the same for the same group, so that comparing reports does not reveal a small group.
- Staff do not see individual records. A few system administrators can open them, only to answer a
  support request; every such access is logged.

How long: if you take no selfie and change none of your settings for {retention_days} days, everything
stored about you is deleted automatically. We keep a history of when you gave or withdrew consent, and
under which version of this notice, for as long as we keep your other data.

Your rights: the app lets you download everything stored about you (the consent history included) and
delete it all at once. Statistics published before you deleted your data stay as they are: they
describe at least {k} visitors and nothing in them can be traced back to you.
"""


NOTICE_TEXT_RU = """\
Анализ эмоций необязателен и включается, только если вы на него согласились. Согласие можно отозвать
в приложении в любой момент; снимки, которые ещё ждут обработки, тогда удаляются без анализа.

Что происходит с вашим селфи: оно отправляется на наш сервер, там находится лицо, и модель оценивает,
какое выражение лица на нём видно (например, «радость» или «удивление»). Это эмоции, которые ваше лицо
выражало в тот момент, а не суждение о том, что вы чувствовали. Фотография удаляется сразу после
обработки; её никому не показывают, не публикуют, а её метаданные (например, GPS-координаты) стираются
при загрузке.

Анализ на телефоне: можно выбрать «Анализировать на телефоне» (так может работать и приложение), и
выражение лица распознаётся прямо на телефоне теми же моделями, загруженными с нашего сервера. Тогда
фотография вообще не покидает телефон: отправляются только оценки выражения, и мы храним их так же, как
если бы распознали их сами, с пометкой, что они получены на устройстве. Если телефон не может этого
сделать (старый браузер, модель не загрузилась) или не уверен, что на фото есть лицо, приложение
сообщает об этом и отправляет фото на наш сервер, как описано выше.

Что мы храним: название выражения с его вероятностями, экспонат и время, связанные со случайным
идентификатором приложения. Мы не знаем, кто вы: ни имени, ни электронной почты, ни шаблонов лица,
ни сравнения лиц, ни оценки возраста, пола или этнической принадлежности.

Что публикуется и для кого: ничего, что описывает меньше {k} посетителей.
- Всем (на страницах экспонатов в приложении и в открытом API) видно, какие выражения лиц посетители
  показывали у каждого экспоната, отдельно от ожиданий кураторов. Это снимок данных: он меняется только
  после того, как там сделали селфи не меньше {k} новых посетителей; каждый посетитель учитывается один
  раз, сколько бы селфи он ни сделал; доли округляются до целых процентов, а число посетителей
  показывается ступенями: 5, 10, 20, 50, 100 … Поэтому по нему нельзя узнать, что показало ваше селфи.
  Рекомендации и маршруты строятся по тому же снимку.
- Сотрудники музея и аналитики видят отчёты (таблицы, файлы CSV, графики) по экспонатам, залам,
  музеям, дням, часам или дням недели. Группа, которую видели меньше {k} посетителей, показывается без
  чисел; выражение, замеченное у меньше чем {k} посетителей группы, скрывается вместе с ещё одним;
  каждое число меняется не больше чем на 2, всегда одинаково для одной и той же группы, так что
  сравнение отчётов не раскрывает маленькую группу.
- Сотрудники не видят отдельных записей. Открыть их могут несколько системных администраторов и только
  для ответа на обращение в поддержку; каждый такой доступ записывается в журнал.

Как долго: если вы {retention_days} дней не делаете селфи и не меняете настройки, всё, что о вас
хранится, удаляется автоматически. Историю того, когда вы дали или отозвали согласие и к какой версии
этого уведомления, мы храним столько же, сколько остальные ваши данные.

Ваши права: в приложении можно скачать всё, что о вас хранится (вместе с историей согласий), и удалить
всё сразу. Статистика, опубликованная до удаления ваших данных, остаётся прежней: она описывает не
меньше {k} посетителей, и ничего в ней нельзя связать с вами.
"""

NOTICE_TEXTS = {"en": NOTICE_TEXT, "ru": NOTICE_TEXT_RU}
NOTICE_LANGUAGE = "en"  # the notice as written; the others are its translations


def privacy_notice(languages: Iterable[str] = ()) -> dict[str, str]:
    """The current notice in the first of `languages` it is written in: version, language and text."""
    language = next((code for code in languages if code in NOTICE_TEXTS), NOTICE_LANGUAGE)
    text = NOTICE_TEXTS[language].format(retention_days=settings.VISITOR_RETENTION_DAYS, k=min_group_size())
    return {"version": settings.PRIVACY_NOTICE_VERSION, "language": language, "text": text}
